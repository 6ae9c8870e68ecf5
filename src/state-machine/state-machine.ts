// The replicated state machine: applies committed log entries deterministically to RocksDB.
// Each apply() call is one overlay and one atomic RocksDB write batch that also records the
// applied index, so a crash leaves either all or none of a batch, and restart replays the rest.
import type { Entry } from '../raft/core/types.js';
import { err, type Reply } from '../resp/reply.js';
import type { WriteCommand } from '../commands/table.js';
import type { ReadContext, ScanCursors, WriteContext } from '../commands/context.js';
import { assert } from '../util/assert.js';
import { seededRng, type Rng } from '../util/rng.js';
import { expireIndexKey, metaKey, systemKey, u64 } from './encoding.js';
import { DATABASES, Keyspace, MutableKeyspace, type DbMapping, type KeyCounts, type KeyLookupStats, type WrittenKey } from './keyspace.js';
import { decodeProposal, type ProposalOp } from './proposal.js';
import { Overlay, StoreReader } from './records.js';
import type { Store } from './store.js';

const APPLIED_KEY = systemKey('applied');
const DBMAP_KEY = systemKey('dbmap');
const COUNTS_PREFIX = 'counts';

export interface ApplyOptions {
  /** Finds the write command for argv; null = not a write command (never proposed by a correct leader). */
  resolveWrite(argv: readonly Buffer[]): WriteCommand | null;
  /** The key arguments of a command, prefetched with one batched read before the batch runs. */
  keysOf(cmd: WriteCommand, argv: readonly Buffer[]): Buffer[];
  maxBulkBytes(): number;
  /** SCAN cursors for SCAN inside a transaction (node-local, like every SCAN cursor). */
  readonly scanCursors: ScanCursors;
  /**
   * Runs one command of a MULTI/EXEC transaction inside apply — a write, a read (which must see
   * the transaction's earlier writes) or a blocking command (run without blocking) — and
   * returns its reply. Only the leader validated the transaction, so this must not throw.
   */
  runTransactionCommand(ctx: TransactionCommandContext, argv: readonly Buffer[]): Promise<Reply>;
}

/** What a transaction's command runs against: the entry's write context and a read view of it. */
export interface TransactionCommandContext {
  readonly write: WriteContext;
  readonly read: ReadContext;
}

/** Replies of one entry, one per proposal op, in op order. */
export type EntryReplies = Reply[];

export class StateMachine {
  private applied = 0;
  private mapping: DbMapping;
  private readonly counts = new Map<number, KeyCounts>();
  private applyChain: Promise<unknown> = Promise.resolve();
  /** Called after each batch is durable in RocksDB (GC and the expirer react to it). */
  onApplied: (index: number) => void = () => {};
  /**
   * Called after each batch is durable with the keys it wrote and the databases whose whole
   * keyspace it replaced (FLUSHDB, FLUSHALL, SWAPDB): the server wakes blocked clients.
   */
  onKeysWritten: (keys: readonly WrittenKey[], replacedDbs: readonly number[]) => void = () => {};
  /**
   * Whether GC tasks may be queued: true at start (the queue survives restarts) and after any
   * batch that queued one; the collector clears it when it finds the queue empty.
   */
  gcMayBePending = true;
  /** GC tasks the background collector finished since start (INFO stats gc_tasks_done). */
  gcTasksDone = 0;
  /** Expired keys removed (by the active expirer) or replaced by writes since start or CONFIG RESETSTAT. */
  expiredKeys = 0;
  /** Key lookups of read commands served by this node (INFO stats keyspace_hits/misses). */
  readonly keyLookups: KeyLookupStats = { hits: 0, misses: 0 };

  private constructor(
    readonly store: Store,
    private readonly opts: ApplyOptions,
    mapping: DbMapping,
  ) {
    this.mapping = mapping;
  }

  static async open(store: Store, opts: ApplyOptions): Promise<StateMachine> {
    const mappingRaw = await store.get(DBMAP_KEY);
    const mapping = mappingRaw === null ? initialMapping() : decodeMapping(mappingRaw);
    const sm = new StateMachine(store, opts, mapping);
    const appliedRaw = await store.get(APPLIED_KEY);
    sm.applied = appliedRaw === null ? 0 : Number(appliedRaw.readBigUInt64BE(0));
    const prefix = systemKey(COUNTS_PREFIX);
    const end = Buffer.concat([prefix, Buffer.alloc(4, 0xff), Buffer.from([0xff])]);
    for await (const { key, value } of store.iterate({ gte: prefix, lt: end })) {
      const id = key.readUInt32BE(prefix.length);
      sm.counts.set(id, { keys: Number(value.readBigUInt64BE(0)), expires: Number(value.readBigUInt64BE(8)) });
    }
    return sm;
  }

  get appliedIndex(): number {
    return this.applied;
  }

  get dbMapping(): DbMapping {
    return this.mapping;
  }

  /** Keys with a TTL across every database: the active expirer has nothing to do at 0. */
  totalExpires(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c.expires;
    return n;
  }

  countsOf(db: number): KeyCounts {
    const id = this.mapping.ids[db];
    assert(id !== undefined, `database ${db} is not mapped`);
    return { ...(this.counts.get(id) ?? { keys: 0, expires: 0 }) };
  }

  /** The logical database physical keyspace `id` currently backs, or null (flushed away). */
  dbOfKeyspace(id: number): number | null {
    const db = this.mapping.ids.indexOf(id);
    return db === -1 ? null : db;
  }

  /**
   * A read view at the current applied state, with `nowMs` as the expiry clock; `countLookups`
   * for the views read commands run on, whose key lookups INFO reports as hits and misses.
   */
  readView(nowMs: number, countLookups = false): Keyspace {
    return new Keyspace(new StoreReader(this.store), this.mapping, nowMs, countLookups ? this.keyLookups : null);
  }

  resetStats(): void {
    this.expiredKeys = 0;
    this.keyLookups.hits = 0;
    this.keyLookups.misses = 0;
  }

  /**
   * Applies committed entries in order. Calls are serialized: each batch sees every earlier
   * batch's writes. Resolves with the replies of each entry's ops.
   */
  apply(entries: readonly Entry[]): Promise<EntryReplies[]> {
    const run = this.applyChain.then(() => this.applyNow(entries));
    this.applyChain = run.catch(() => undefined);
    return run;
  }

  private async applyNow(entries: readonly Entry[]): Promise<EntryReplies[]> {
    const fresh = entries.filter((e) => e.index > this.applied);
    if (fresh.length === 0) return entries.map(() => []);
    for (let i = 0; i < fresh.length; i++) {
      assert(fresh[i]!.index === this.applied + 1 + i, `apply gap: expected index ${this.applied + 1 + i}, got ${fresh[i]!.index}`);
    }
    const overlay = new Overlay(this.store);
    const decoded = fresh.map((e) => (e.type === 'normal' ? decodeProposal(e.data) : []));
    await overlay.prefetch(this.prefetchKeys(decoded));
    let mapping = this.mapping;
    const totalDeltas = new Map<number, KeyCounts>();
    const results: EntryReplies[] = [];
    const written: WrittenKey[] = [];
    for (let i = 0; i < fresh.length; i++) {
      const entry = fresh[i]!;
      const ks = new MutableKeyspace(overlay, mapping, entry.timeMs, entry.index);
      const replies: Reply[] = [];
      const ops = decoded[i]!;
      // Key counts as this entry sees them: committed, plus earlier entries of this batch, plus its own.
      const countsNow = (db: number): KeyCounts => {
        const id = ks.physical(db);
        const c = { ...(this.counts.get(id) ?? { keys: 0, expires: 0 }) };
        for (const d of [totalDeltas.get(id), ks.countDeltas.get(id)]) {
          if (d === undefined) continue;
          c.keys += d.keys;
          c.expires += d.expires;
        }
        return c;
      };
      for (let j = 0; j < ops.length; j++) {
        replies.push(await this.applyOp(ks, ops[j]!, entry, j, countsNow));
      }
      mapping = ks.dbMapping;
      for (const w of ks.written) written.push(w);
      if (ks.gcTasksQueued > 0) this.gcMayBePending = true;
      this.expiredKeys += ks.expiredKeys;
      for (const [id, d] of ks.countDeltas) {
        const t = totalDeltas.get(id) ?? { keys: 0, expires: 0 };
        t.keys += d.keys;
        t.expires += d.expires;
        totalDeltas.set(id, t);
      }
      results.push(replies);
    }
    const lastIndex = fresh[fresh.length - 1]!.index;
    const newCounts = new Map<number, KeyCounts>();
    for (const [id, d] of totalDeltas) {
      if (d.keys === 0 && d.expires === 0) continue;
      const cur = this.counts.get(id) ?? { keys: 0, expires: 0 };
      const next = { keys: cur.keys + d.keys, expires: cur.expires + d.expires };
      assert(next.keys >= 0 && next.expires >= 0 && next.expires <= next.keys, `key counts went negative for keyspace ${id}`);
      newCounts.set(id, next);
      const v = Buffer.allocUnsafe(16);
      v.writeBigUInt64BE(BigInt(next.keys), 0);
      v.writeBigUInt64BE(BigInt(next.expires), 8);
      overlay.put(systemKey(COUNTS_PREFIX, id), v);
    }
    if (mapping !== this.mapping) overlay.put(DBMAP_KEY, encodeMapping(mapping));
    overlay.put(APPLIED_KEY, u64(lastIndex));
    await this.store.write(overlay.ops());
    for (const [id, c] of newCounts) this.counts.set(id, c);
    for (const id of this.mapping.ids) if (!mapping.ids.includes(id)) this.counts.delete(id);
    const previous = this.mapping;
    this.mapping = mapping;
    this.applied = lastIndex;
    this.onApplied(lastIndex);
    const replacedDbs = previous.ids.flatMap((id, db) => (mapping.ids[db] === id ? [] : [db]));
    if (written.length > 0 || replacedDbs.length > 0) this.onKeysWritten(written, replacedDbs);
    const byIndex = new Map(fresh.map((e, i) => [e.index, results[i]!]));
    return entries.map((e) => byIndex.get(e.index) ?? []);
  }

  private prefetchKeys(decoded: readonly ProposalOp[][]): Buffer[] {
    const keys: Buffer[] = [];
    for (const ops of decoded) {
      for (const op of ops) {
        if (op.kind === 'expire') {
          keys.push(metaKey(op.keyspaceId, op.key));
          continue;
        }
        if (op.kind === 'exec') continue;
        const cmd = this.opts.resolveWrite(op.argv);
        const id = this.mapping.ids[op.db];
        if (cmd === null || id === undefined) continue;
        for (const key of this.opts.keysOf(cmd, op.argv)) keys.push(metaKey(id, key));
      }
    }
    return keys;
  }

  private async applyOp(ks: MutableKeyspace, op: ProposalOp, entry: Entry, opIndex: number, countsNow: (db: number) => KeyCounts): Promise<Reply> {
    if (op.kind === 'expire') {
      await applyExpire(ks, op.keyspaceId, op.key, op.expireAtMs);
      return { t: 'none' };
    }
    const rngOf = (n: number): Rng => seededRng((entry.seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
    const writeContext = (db: number, rng: Rng): WriteContext => ({ db, ks, rng, nowMs: entry.timeMs, maxBulkBytes: this.opts.maxBulkBytes() });
    if (op.kind === 'exec') {
      const replies: Reply[] = [];
      for (let k = 0; k < op.commands.length; k++) {
        const c = op.commands[k]!;
        assert(c.db >= 0 && c.db < DATABASES, `log entry ${entry.index} runs a transaction command in database ${c.db}`);
        // Each command of the transaction draws from its own seed, distinct from the entry's ops.
        const rng = rngOf(opIndex * 4096 + k + 1024);
        const read: ReadContext = { db: c.db, ks, counts: countsNow, scanCursors: this.opts.scanCursors, rng };
        replies.push(await this.opts.runTransactionCommand({ write: writeContext(c.db, rng), read }, c.argv));
      }
      return { t: 'array', items: replies };
    }
    const cmd = this.opts.resolveWrite(op.argv);
    // A leader only proposes validated write commands; anything else means a corrupt or foreign log.
    assert(cmd !== null, `log entry ${entry.index} holds a non-write command`);
    if (op.db < 0 || op.db >= DATABASES) return err('ERR DB index is out of range');
    return cmd.run(writeContext(op.db, rngOf(opIndex)), op.argv);
  }
}

/** DEL-IF-EXPIRED proposed by the active expirer: a no-op if the key changed meanwhile. */
async function applyExpire(ks: MutableKeyspace, keyspaceId: number, key: Buffer, expireAtMs: number): Promise<void> {
  const db = ks.dbMapping.ids.indexOf(keyspaceId);
  const meta = db === -1 ? null : await ks.rawMeta(db, key);
  if (meta !== null && meta.expireAtMs === expireAtMs) {
    if (ks.isExpired(meta)) await ks.deleteKey(db, key);
    return;
  }
  // The index entry outlived its key (flushed keyspace): drop it so it is not proposed again.
  ks.overlay.del(expireIndexKey(expireAtMs, keyspaceId, key));
}

function initialMapping(): DbMapping {
  return { ids: Array.from({ length: DATABASES }, (_, i) => i), nextId: DATABASES };
}

function encodeMapping(m: DbMapping): Buffer {
  const out = Buffer.allocUnsafe(4 * (m.ids.length + 1));
  m.ids.forEach((id, i) => out.writeUInt32BE(id, 4 * i));
  out.writeUInt32BE(m.nextId, 4 * m.ids.length);
  return out;
}

function decodeMapping(raw: Buffer): DbMapping {
  assert(raw.length === 4 * (DATABASES + 1), 'database mapping record has the wrong size');
  const ids = Array.from({ length: DATABASES }, (_, i) => raw.readUInt32BE(4 * i));
  return { ids, nextId: raw.readUInt32BE(4 * DATABASES) };
}
