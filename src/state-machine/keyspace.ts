// The logical keyspace shared by every data type: meta lookup with expiry, key counts,
// database mapping, and (MutableKeyspace) the meta/expiry/GC bookkeeping of writes.
import { assert } from '../util/assert.js';
import {
  decodeMeta,
  encodeMeta,
  expireIndexKey,
  gcKey,
  hasDataRecords,
  metaKey,
  metaRange,
  userKeyFromMetaKey,
  type Meta,
} from './encoding.js';
import type { Overlay, RecordReader } from './records.js';
import { encodeGcTask, type GcTask } from './gc-task.js';

export const DATABASES = 16;

/** Logical database -> physical keyspace id, plus the next unused id. */
export interface DbMapping {
  readonly ids: readonly number[];
  readonly nextId: number;
}

/** A key a write touched, by logical database. */
export interface WrittenKey {
  readonly db: number;
  readonly key: Buffer;
}

export interface KeyCounts {
  keys: number;
  expires: number;
}

/** INFO stats keyspace_hits/keyspace_misses: key lookups of read commands, as Redis counts them. */
export interface KeyLookupStats {
  hits: number;
  misses: number;
}

export class Keyspace {
  constructor(
    readonly reader: RecordReader,
    /** Replaced by FLUSHDB/FLUSHALL/SWAPDB inside an apply batch. */
    public dbMapping: DbMapping,
    /** "Now" for expiry: the entry's timeMs in apply, the local clock for reads. */
    readonly nowMs: number,
    /** Counted for read commands only: Redis leaves lookups made by writes out of the stats. */
    private readonly lookupStats: KeyLookupStats | null = null,
  ) {}

  physical(db: number): number {
    const id = this.dbMapping.ids[db];
    assert(id !== undefined, `database ${db} is not mapped`);
    return id;
  }

  /** The meta record even if expired (writes need it to clean up). */
  async rawMeta(db: number, key: Buffer): Promise<Meta | null> {
    const raw = await this.reader.get(metaKey(this.physical(db), key));
    return raw === null ? null : decodeMeta(raw);
  }

  isExpired(meta: Meta): boolean {
    return meta.expireAtMs !== 0 && meta.expireAtMs <= this.nowMs;
  }

  /** The live meta record: null when absent or expired. */
  async meta(db: number, key: Buffer): Promise<Meta | null> {
    const raw = await this.rawMeta(db, key);
    const meta = raw === null || this.isExpired(raw) ? null : raw;
    if (this.lookupStats !== null) {
      if (meta === null) this.lookupStats.misses++;
      else this.lookupStats.hits++;
    }
    return meta;
  }

  /** Live keys of `db` in key order, starting after `afterKey` (exclusive) when given. */
  async *liveKeys(db: number, afterKey: Buffer | null): AsyncGenerator<{ key: Buffer; meta: Meta }> {
    const range = metaRange(this.physical(db));
    const opts = afterKey ? { gt: metaKey(this.physical(db), afterKey), lt: range.lt } : range;
    for await (const entry of this.reader.iterate(opts)) {
      const meta = decodeMeta(entry.value);
      if (this.isExpired(meta)) continue;
      yield { key: userKeyFromMetaKey(entry.key), meta };
    }
  }
}

/**
 * Keyspace writes inside one apply batch. Every change of a key's existence, type, version or
 * expiry goes through writeMeta/deleteKey so the expire index, key counts and GC queue stay exact.
 */
export class MutableKeyspace extends Keyspace {
  /** Per physical keyspace id: change in key and expire counts made by this batch. */
  readonly countDeltas = new Map<number, KeyCounts>();
  /** GC tasks this batch queued (the background collector sleeps while there are none). */
  gcTasksQueued = 0;
  /** Keys whose existence, type or value this batch changed (blocked clients wait on these). */
  readonly written: WrittenKey[] = [];
  /** Expired keys this batch removed or replaced (INFO stats expired_keys). */
  expiredKeys = 0;
  private versionSeq = 0;

  constructor(
    readonly overlay: Overlay,
    dbMapping: DbMapping,
    nowMs: number,
    /** The log index of the entry being applied: versions are derived from it, so replicas agree. */
    private readonly entryIndex: number,
  ) {
    super(overlay, dbMapping, nowMs);
  }

  /** A version no other collection, past or future, on any replica, will have. */
  newVersion(): bigint {
    assert(this.versionSeq < 0xffff, 'more than 65535 versions allocated by one log entry');
    return (BigInt(this.entryIndex) << 16n) | BigInt(++this.versionSeq);
  }

  private delta(id: number): KeyCounts {
    let d = this.countDeltas.get(id);
    if (!d) {
      d = { keys: 0, expires: 0 };
      this.countDeltas.set(id, d);
    }
    return d;
  }

  /** Creates or replaces the meta of `key`. Replacing a collection by another version queues GC. */
  async writeMeta(db: number, key: Buffer, meta: Meta): Promise<void> {
    const id = this.physical(db);
    this.written.push({ db, key });
    const old = await this.rawMeta(db, key);
    const counts = this.delta(id);
    if (old === null) {
      counts.keys++;
    } else {
      if (this.isExpired(old)) this.expiredKeys++;
      this.releaseOld(id, key, old, meta);
      if (old.expireAtMs !== 0) counts.expires--;
    }
    if (meta.expireAtMs !== 0) {
      counts.expires++;
      this.overlay.put(expireIndexKey(meta.expireAtMs, id, key), Buffer.alloc(0));
    }
    this.overlay.put(metaKey(id, key), encodeMeta(meta));
  }

  /** Removes `key` (live or expired). Returns whether a live key was deleted. */
  async deleteKey(db: number, key: Buffer): Promise<boolean> {
    const id = this.physical(db);
    const old = await this.rawMeta(db, key);
    if (old === null) return false;
    this.written.push({ db, key });
    const counts = this.delta(id);
    counts.keys--;
    if (old.expireAtMs !== 0) counts.expires--;
    this.releaseOld(id, key, old, null);
    this.overlay.del(metaKey(id, key));
    if (this.isExpired(old)) this.expiredKeys++;
    return !this.isExpired(old);
  }

  /** Drops the old record's expire index entry and queues its data for GC unless it is kept. */
  private releaseOld(id: number, key: Buffer, old: Meta, next: Meta | null): void {
    if (old.expireAtMs !== 0) this.overlay.del(expireIndexKey(old.expireAtMs, id, key));
    const keepsData = next !== null && next.type === old.type && next.version === old.version;
    if (hasDataRecords(old) && !keepsData) {
      this.enqueueGc({ kind: 'version', keyspaceId: id, key, version: old.version });
    }
  }

  enqueueGc(task: GcTask): void {
    this.gcTasksQueued++;
    this.overlay.put(gcKey(this.newVersion()), encodeGcTask(task));
  }
}
