// EXEC: a queued MULTI block becomes one `exec` log entry, so its commands run back to back on
// every replica with nothing in between. The leader proposes it only if no watched key may have
// changed since it was watched (raft/modification-tracker.ts); a follower forwards the whole
// transaction to the leader. Connection commands in the block (PING, ECHO, SELECT, CLIENT ...)
// are not data: they run on the client's node after the entry, each reply in its queued place;
// SELECT also moves the database of the data commands queued after it.
import type { Session, WatchedKey } from '../commands/context.js';
import { E } from '../commands/errors.js';
import { clearTransaction } from '../commands/transaction.js';
import type { Command, LocalCommand } from '../commands/table.js';
import { parseSafeInt } from '../commands/args.js';
import type { Reply } from '../resp/reply.js';
import { DATABASES } from '../state-machine/keyspace.js';
import { decodeProposal, encodeProposal, type TxnCommand } from '../state-machine/proposal.js';
import { assert } from '../util/assert.js';

/** What EXEC sends to the log: the data commands, and the watched keys to check first. */
export interface Transaction {
  readonly commands: readonly TxnCommand[];
  readonly watched: readonly WatchedKey[];
}

/** How the dispatcher runs a transaction (leader: check and propose; follower: forward). */
export type RouteTransaction = (t: Transaction) => Promise<Reply>;

export async function exec(session: Session, resolve: (argv: readonly Buffer[]) => Command | null, route: RouteTransaction): Promise<Reply> {
  const t = session.transaction;
  const queued = t.queued;
  assert(queued !== null, 'EXEC outside MULTI reached the server');
  const aborted = t.aborted;
  const watched = t.watched;
  clearTransaction(t);
  if (aborted) return E.execAbort;

  // Which queued commands are data (run in the entry) and which run here, in their places.
  const commands: TxnCommand[] = [];
  const local: (LocalCommand | null)[] = [];
  let db = session.db;
  for (const argv of queued) {
    const cmd = resolve(argv);
    if (cmd !== null && cmd.kind === 'local') {
      local.push(cmd);
      if (cmd.fullName === 'select') {
        const n = parseSafeInt(argv[1]!);
        if (n !== null && n >= 0 && n < DATABASES) db = n;
      }
    } else {
      local.push(null);
      commands.push({ db, argv });
    }
  }
  const reply = await route({ commands, watched });
  if (reply.t !== 'array') return reply; // nil (a watched key changed) or an error: nothing ran
  assert(reply.items.length === commands.length, 'an exec entry answers once per command');
  const items: Reply[] = [];
  let next = 0;
  for (let i = 0; i < queued.length; i++) {
    const cmd = local[i];
    items.push(cmd ? await cmd.run(session, queued[i]!) : reply.items[next++]!);
  }
  return { t: 'array', items };
}

// ---- forwarding: a transaction as Forward argv ------------------------------------------------
// [exec op as a one-op proposal, then per watched key: db, index, key]

export function encodeTransaction(t: Transaction): Buffer[] {
  const out = [encodeProposal([{ kind: 'exec', commands: t.commands }])];
  for (const w of t.watched) out.push(Buffer.from(String(w.db)), Buffer.from(String(w.index)), w.key);
  return out;
}

export function decodeTransaction(argv: readonly Buffer[]): Transaction {
  assert(argv.length >= 1 && (argv.length - 1) % 3 === 0, 'a forwarded transaction has an exec op and (db, index, key) triples');
  const ops = decodeProposal(argv[0]!);
  const op = ops[0];
  assert(ops.length === 1 && op !== undefined && op.kind === 'exec', 'a forwarded transaction holds one exec op');
  const watched: WatchedKey[] = [];
  for (let i = 1; i < argv.length; i += 3) {
    const db = Number(argv[i]!.toString('latin1'));
    const index = Number(argv[i + 1]!.toString('latin1'));
    assert(Number.isInteger(db) && Number.isSafeInteger(index), 'a watched key has a database and a log index');
    watched.push({ db, index, key: argv[i + 2]! });
  }
  return { commands: op.commands, watched };
}
