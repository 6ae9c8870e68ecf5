// Sorted sets on the collection encoding (blackwidow's zset layout): meta (type ZSet, version,
// member count, one encoding byte) and, under the version, two record kinds:
//
//   dataPrefix | 0x00 | member                  -> score (8 bytes, IEEE double big-endian)
//   dataPrefix | 0x01 | scoreKey(score) | member -> score (8 bytes)
//
// scoreKey is an order-preserving encoding of the double (sign bit flipped for positives, every
// bit inverted for negatives; -0 is stored as 0 in the index, since Redis orders -0 and 0 as equal
// and then by member), so the index iterates in ZRANGE order (score, then member bytes) and a
// range by score seeks straight to its first element: O(log N + M). The index value keeps the
// exact score bits so a -0 score reads back as "-0".
//
// Complexity: ZSCORE/ZADD/ZREM are point reads and writes. A rank (ZRANK, ZRANGE by index,
// ZREMRANGEBYRANK) walks the index from the nearer end: O(rank) rather than Redis's O(log N).
// ZCOUNT and ZLEXCOUNT count their range by iterating it: O(log N + M). ZCARD reads meta.
import { assert } from '../../util/assert.js';
import { dataPrefix, KeyType, type Meta } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import type { IterateOptions } from '../store.js';
import type { Rng } from '../../util/rng.js';
import { CollectionView, CollectionWriter, randomProbeBetween, WRONGTYPE, type Wrongtype } from './collection.js';

/** Redis 7.0 defaults: zset-max-listpack-entries and zset-max-listpack-value. */
export const ZSET_LISTPACK_ENTRIES_MAX = 128;
export const ZSET_LISTPACK_VALUE_BYTES_MAX = 64;

const MEMBER_TAG = 0x00;
const INDEX_TAG = 0x01;
const MEMBER_START = Buffer.from([MEMBER_TAG]);
const INDEX_START = Buffer.from([INDEX_TAG]);
const INDEX_END = Buffer.from([INDEX_TAG + 1]);
const EMPTY = Buffer.alloc(0);

/**
 * meta.extra of a sorted set: one byte, the encoding redis-server 7.0.15 would have chosen.
 * Redis converts a listpack to a skiplist when it grows past 128 members or a member longer than
 * 64 bytes is added, and converts back only when a whole result is stored (ZUNIONSTORE,
 * ZRANGESTORE, ...), so the choice depends on history and is remembered here.
 */
const LISTPACK = Buffer.from([0]);
const SKIPLIST = Buffer.from([1]);

export type ZSetEncoding = 'listpack' | 'skiplist';

export function zsetEncoding(meta: Meta): ZSetEncoding {
  return meta.extra.length > 0 && meta.extra[0] === SKIPLIST[0] ? 'skiplist' : 'listpack';
}

/** SORT converts a listpack sorted set to a skiplist (sort.c zsetConvert), whatever its size. */
export function convertToSkiplist(w: CollectionWriter): void {
  w.setExtra(SKIPLIST);
}

/** One element of a sorted set. */
export interface ZEntry {
  readonly member: Buffer;
  readonly score: number;
}

export function encodeScore(score: number): Buffer {
  assert(!Number.isNaN(score), 'a NaN score is never stored');
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleBE(score);
  return b;
}

export function decodeScore(b: Buffer): number {
  assert(b.length === 8, 'a stored score has 8 bytes');
  return b.readDoubleBE(0);
}

/** Order-preserving 8 bytes of a score: unsigned byte order equals numeric order (-0 as 0). */
export function scoreKey(score: number): Buffer {
  const b = encodeScore(score === 0 ? 0 : score);
  if ((b[0]! & 0x80) !== 0) for (let i = 0; i < 8; i++) b[i] = ~b[i]! & 0xff;
  else b[0] = b[0]! | 0x80;
  return b;
}

/** The 8-byte key right after `k` (as a 64-bit big-endian integer + 1): the first key of the next score. */
function nextKey(k: Buffer): Buffer {
  const b = Buffer.from(k);
  for (let i = 7; i >= 0; i--) {
    if (b[i] !== 0xff) {
      b[i] = b[i]! + 1;
      return b;
    }
    b[i] = 0;
  }
  // Only the all-ones key (a NaN pattern, never a score) has no successor.
  throw new Error('no score key follows the largest one');
}

/** A bound of an index walk, over the index field after its tag (scoreKey | member). */
export interface IndexBound {
  readonly key: Buffer;
  readonly exclusive: boolean;
}

/** Score range bounds as index bounds: [lower, upper] with Redis's exclusive flags. */
export function scoreBounds(min: number, minEx: boolean, max: number, maxEx: boolean): { lower: IndexBound; upper: IndexBound } {
  const lo = scoreKey(min);
  const hi = scoreKey(max);
  return {
    lower: minEx ? { key: nextKey(lo), exclusive: false } : { key: lo, exclusive: false },
    upper: maxEx ? { key: hi, exclusive: true } : { key: nextKey(hi), exclusive: true },
  };
}

export interface IndexWalk {
  readonly lower?: IndexBound | null;
  readonly upper?: IndexBound | null;
  readonly reverse?: boolean;
  readonly limit?: number;
}

export class ZSetView extends CollectionView {
  async score(member: Buffer): Promise<number | null> {
    const v = await this.get(Buffer.concat([MEMBER_START, member]));
    return v === null ? null : decodeScore(v);
  }

  async scores(members: readonly Buffer[]): Promise<(number | null)[]> {
    const vs = await this.getMany(members.map((m) => Buffer.concat([MEMBER_START, m])));
    return vs.map((v) => (v === null ? null : decodeScore(v)));
  }

  /** Elements in (score, member) order (reverse: descending) within the bounds. */
  async *walk(w: IndexWalk = {}): AsyncGenerator<ZEntry> {
    const prefix = this.prefix;
    if (prefix === null) return;
    const skip = prefix.length + 1 + 8;
    for await (const { key, value } of this.ks.reader.iterate(this.indexRange(prefix, w, false))) {
      yield { member: Buffer.from(key.subarray(skip)), score: decodeScore(Buffer.from(value)) };
    }
  }

  /** How many elements lie within the bounds: iterates their keys only, O(log N + M). */
  async countWithin(w: IndexWalk): Promise<number> {
    const prefix = this.prefix;
    if (prefix === null) return 0;
    let n = 0;
    for await (const _ of this.ks.reader.iterate(this.indexRange(prefix, w, true))) n++;
    return n;
  }

  private indexRange(prefix: Buffer, w: IndexWalk, keysOnly: boolean): IterateOptions {
    const lower = w.lower ? Buffer.concat([prefix, INDEX_START, w.lower.key]) : Buffer.concat([prefix, INDEX_START]);
    const upper = w.upper ? Buffer.concat([prefix, INDEX_START, w.upper.key]) : Buffer.concat([prefix, INDEX_END]);
    return {
      ...(w.lower?.exclusive ? { gt: lower } : { gte: lower }),
      ...(w.upper && !w.upper.exclusive ? { lte: upper } : { lt: upper }),
      ...(w.reverse ? { reverse: true } : {}),
      ...(w.limit !== undefined ? { limit: w.limit } : {}),
      ...(keysOnly ? { keysOnly: true } : {}),
    };
  }

  /**
   * A random member, or null when empty: seeks to a random point between the first and last
   * member record (as HRANDFIELD does on large hashes) and takes the next member, wrapping
   * around. O(log N) and deterministic for a given rng, but only roughly uniform: a member after
   * a wide gap in the member byte space is picked more often.
   */
  async randomMember(rng: Rng): Promise<ZEntry | null> {
    if (this.memberBounds === null) {
      let first: ZEntry | null = null;
      let last: ZEntry | null = null;
      for await (const e of this.members(null, 1)) first = e;
      for await (const e of this.members(null, 1, true)) last = e;
      if (first === null || last === null) return null;
      this.memberBounds = { first, last };
    }
    const { first, last } = this.memberBounds;
    const probe = randomProbeBetween(first.member, last.member, rng);
    for await (const e of this.members(null, 1, false, probe)) return e;
    return first;
  }

  private memberBounds: { first: ZEntry; last: ZEntry } | null = null;

  /**
   * Members in byte order (ZSCAN's paging order), after `after` (exclusive) or from `from`
   * (inclusive) when given; descending with `reverse`.
   */
  async *members(after: Buffer | null, limit?: number, reverse = false, from?: Buffer): AsyncGenerator<ZEntry> {
    const prefix = this.prefix;
    if (prefix === null) return;
    const start = after
      ? { gt: Buffer.concat([prefix, MEMBER_START, after]) }
      : { gte: Buffer.concat([prefix, MEMBER_START, from ?? EMPTY]) };
    const opts = {
      ...start,
      lt: Buffer.concat([prefix, INDEX_START]),
      ...(limit !== undefined ? { limit } : {}),
      ...(reverse ? { reverse: true } : {}),
    };
    const skip = prefix.length + 1;
    for await (const { key, value } of this.ks.reader.iterate(opts)) {
      yield { member: Buffer.from(key.subarray(skip)), score: decodeScore(Buffer.from(value)) };
    }
  }

  /** 0-based rank of `member` with score `score` in ascending order: O(rank). */
  async rank(member: Buffer, score: number, reverse: boolean): Promise<number> {
    const prefix = this.prefix;
    assert(prefix !== null, 'a rank is asked of an existing member');
    const at = Buffer.concat([prefix, INDEX_START, scoreKey(score), member]);
    const opts = reverse ? { gt: at, lt: Buffer.concat([prefix, INDEX_END]), keysOnly: true } : { gte: Buffer.concat([prefix, INDEX_START]), lt: at, keysOnly: true };
    let n = 0;
    for await (const _ of this.ks.reader.iterate(opts)) n++;
    return n;
  }

  /** The element at 0-based `index` counted from the low end (or the high end with `reverse`). */
  async *fromRank(index: number, reverse: boolean, limit: number): AsyncGenerator<ZEntry> {
    let i = 0;
    for await (const e of this.walk({ reverse, limit: index + limit })) {
      if (i++ >= index) yield e;
    }
  }
}

/** Changes to one sorted set inside an apply batch, keeping member records and the index in step. */
export class ZSetWriter extends CollectionWriter {
  constructor(
    private readonly zks: MutableKeyspace,
    db: number,
    key: Buffer,
    meta: Meta,
    existed: boolean,
  ) {
    super(zks, db, key, meta, existed);
  }

  async score(member: Buffer): Promise<number | null> {
    const v = await this.get(Buffer.concat([MEMBER_START, member]));
    return v === null ? null : decodeScore(v);
  }

  /** Reads the given members' records in one batch, so the point reads that follow hit the batch cache. */
  async prefetch(members: readonly Buffer[]): Promise<void> {
    await this.getMany(members.map((m) => Buffer.concat([MEMBER_START, m])));
  }

  /** A read view of the set as it stands now, pending writes of the batch included. */
  view(): ZSetView {
    return new ZSetView(this.zks, this.db, this.key, this.meta, this.prefix !== null);
  }

  /** Sets the score of `member`; true when the member is new. */
  async setScore(member: Buffer, score: number): Promise<boolean> {
    const old = await this.score(member);
    if (old !== null && old === score) return false;
    // zsetAdd converts a listpack before inserting a member that would not fit it.
    if (old === null && (this.count + 1 > ZSET_LISTPACK_ENTRIES_MAX || member.length > ZSET_LISTPACK_VALUE_BYTES_MAX)) this.setExtra(SKIPLIST);
    // A listpack keeps a score as text that reads back as an integer when it can: -0 becomes 0.
    if (score === 0 && zsetEncoding(this.meta) === 'listpack') score = 0;
    const raw = encodeScore(score);
    const created = await this.set(Buffer.concat([MEMBER_START, member]), raw);
    // set() has allocated the version: the prefix exists now.
    const prefix = this.prefix!;
    if (old !== null) this.zks.overlay.del(Buffer.concat([prefix, INDEX_START, scoreKey(old), member]));
    this.zks.overlay.put(Buffer.concat([prefix, INDEX_START, scoreKey(score), member]), raw);
    return created;
  }

  /** Removes `member`; true when it was there. */
  async remove(member: Buffer): Promise<boolean> {
    const old = await this.score(member);
    if (old === null) return false;
    await this.delete(Buffer.concat([MEMBER_START, member]));
    this.zks.overlay.del(Buffer.concat([this.prefix!, INDEX_START, scoreKey(old), member]));
    return true;
  }

  /** Writes meta (or deletes the emptied key), converting to a skiplist past 128 members. */
  async commitZSet(): Promise<void> {
    if (this.count > ZSET_LISTPACK_ENTRIES_MAX) this.setExtra(SKIPLIST);
    await this.commit();
  }
}

export async function openZSet(ks: Keyspace, db: number, key: Buffer): Promise<ZSetView | null | Wrongtype> {
  const meta = await ks.meta(db, key);
  if (meta === null) return null;
  if (meta.type !== KeyType.ZSet) return WRONGTYPE;
  return new ZSetView(ks, db, key, meta, true);
}

/**
 * A writer for the sorted set at `key`; with `create`, for a new empty one when the key is
 * absent (it comes into existence at commit only if a member was added). Redis 7.0's ZADD
 * creates a skiplist at once when the first member it adds is longer than 64 bytes
 * (`firstMemberBytes`), a listpack otherwise.
 */
export async function openZSetForWrite(
  ks: MutableKeyspace,
  db: number,
  key: Buffer,
  create: boolean,
  firstMemberBytes = 0,
): Promise<ZSetWriter | null | Wrongtype> {
  const meta = await ks.meta(db, key);
  if (meta !== null) {
    if (meta.type !== KeyType.ZSet) return WRONGTYPE;
    return new ZSetWriter(ks, db, key, meta, true);
  }
  if (!create) return null;
  const listpack = firstMemberBytes <= ZSET_LISTPACK_VALUE_BYTES_MAX;
  const fresh: Meta = { type: KeyType.ZSet, expireAtMs: 0, value: EMPTY, version: 0n, count: 0, extra: Buffer.from(listpack ? LISTPACK : SKIPLIST) };
  return new ZSetWriter(ks, db, key, fresh, false);
}

/**
 * Replaces whatever `key` holds with a sorted set of `entries` (distinct members) under a fresh
 * version, or deletes the key when there are none: the *STORE commands. The encoding follows the
 * contents, as zsetConvertToListpackIfNeeded leaves a stored result.
 */
export async function replaceZSet(ks: MutableKeyspace, db: number, key: Buffer, entries: readonly ZEntry[], how: 'whole' | 'inserted'): Promise<void> {
  if (entries.length === 0) {
    await ks.deleteKey(db, key);
    return;
  }
  const version = ks.newVersion();
  const prefix = dataPrefix(ks.physical(db), key, version);
  const longest = Math.max(...entries.map((e) => e.member.length));
  const fits = (n: number, bytes: number): boolean => n <= ZSET_LISTPACK_ENTRIES_MAX && bytes <= ZSET_LISTPACK_VALUE_BYTES_MAX;
  // 'whole': the result was built as a skiplist and converted once complete (ZUNIONSTORE & co.);
  // 'inserted': added one by one to a listpack that converts on the first element that does not fit (ZRANGESTORE).
  let listpack = how === 'whole' ? fits(entries.length, longest) : true;
  entries.forEach(({ member, score }, i) => {
    if (how === 'inserted' && listpack && !fits(i + 1, member.length)) listpack = false;
    // -0 reads back from a listpack as 0.
    const s = listpack && score === 0 ? 0 : score;
    const raw = encodeScore(s);
    ks.overlay.put(Buffer.concat([prefix, MEMBER_START, member]), raw);
    ks.overlay.put(Buffer.concat([prefix, INDEX_START, scoreKey(s), member]), raw);
  });
  const extra = Buffer.from(listpack ? LISTPACK : SKIPLIST);
  await ks.writeMeta(db, key, { type: KeyType.ZSet, expireAtMs: 0, value: EMPTY, version, count: entries.length, extra });
}
