// Which keys a proposal may modify, for WATCH (raft/modification-tracker.ts). Redis's key specs
// say which keys a command writes (flags RW, OW, RM); a few commands reach beyond their key
// arguments — another database (MOVE, COPY ... DB) or whole databases (FLUSHDB, FLUSHALL,
// SWAPDB). Over-reporting only costs a spurious EXEC abort; under-reporting would let a
// transaction commit over a change it watched, so anything unclear counts as everything.
import { keysWithFlags } from '../commands/command.js';
import { parseSafeInt } from '../commands/args.js';
import { commandKeys, type Command } from '../commands/table.js';
import type { KeyRef, Modifications } from '../raft/modification-tracker.js';
import { DATABASES } from '../state-machine/keyspace.js';
import type { ProposalOp } from '../state-machine/proposal.js';

const NOTHING: Modifications = { keys: [], wholeDbs: [] };
const EVERYTHING: Modifications = { keys: [], wholeDbs: 'all' };
const WRITE_FLAGS = new Set(['RW', 'OW', 'RM', 'insert', 'update', 'delete']);

export function modificationsOf(
  op: ProposalOp,
  resolve: (argv: readonly Buffer[]) => Command | null,
  dbOfKeyspace: (id: number) => number | null,
): Modifications {
  switch (op.kind) {
    case 'expire': {
      const db = dbOfKeyspace(op.keyspaceId);
      return db === null ? NOTHING : { keys: [{ db, key: op.key }], wholeDbs: [] };
    }
    case 'command':
      return commandModifications(resolve(op.argv), op.db, op.argv);
    case 'exec': {
      const parts = op.commands.map((c) => commandModifications(resolve(c.argv), c.db, c.argv));
      if (parts.some((p) => p.wholeDbs === 'all')) return EVERYTHING;
      return { keys: parts.flatMap((p) => p.keys), wholeDbs: parts.flatMap((p) => p.wholeDbs as readonly number[]) };
    }
  }
}

function commandModifications(cmd: Command | null, db: number, argv: readonly Buffer[]): Modifications {
  if (cmd === null) return EVERYTHING;
  if (cmd.kind === 'read' || cmd.kind === 'local') return NOTHING;
  const dbArg = (i: number): number | null => {
    const n = argv[i] === undefined ? null : parseSafeInt(argv[i]!);
    return n !== null && n >= 0 && n < DATABASES ? n : null;
  };
  switch (cmd.fullName) {
    case 'flushall':
      return EVERYTHING;
    case 'flushdb':
      return { keys: [], wholeDbs: [db] };
    case 'swapdb': {
      const a = dbArg(1);
      const b = dbArg(2);
      return a === null || b === null ? NOTHING : { keys: [], wholeDbs: [a, b] };
    }
    case 'move': {
      const target = dbArg(2);
      const key = argv[1]!;
      return { keys: target === null ? [{ db, key }] : [{ db, key }, { db: target, key }], wholeDbs: [] };
    }
    case 'copy': {
      // COPY source destination [DB n] [REPLACE]: the destination may live in another database.
      const dbAt = argv.findIndex((a, i) => i >= 3 && a.toString('latin1').toLowerCase() === 'db');
      const target = dbAt === -1 ? db : dbArg(dbAt + 1);
      return target === null ? NOTHING : { keys: [{ db: target, key: argv[2]! }], wholeDbs: [] };
    }
  }
  // Writes, and blocking pops (run inside MULTI as their non-blocking write): every key they
  // may write by the key specs, or every key when the specs do not fit the arguments.
  const refs = keysWithFlags(cmd, argv);
  if (refs === null) return keysOf(db, commandKeys(cmd, argv));
  return keysOf(db, refs.filter((r) => r.flags.some((f) => WRITE_FLAGS.has(f))).map((r) => argv[r.pos]!));
}

function keysOf(db: number, keys: readonly Buffer[]): Modifications {
  const refs: KeyRef[] = keys.map((key) => ({ db, key }));
  return { keys: refs, wholeDbs: [] };
}
