// Lists on the collection encoding (Pika/blackwidow's list layout): meta (type List, version,
// element count) with the two end indices in meta.extra, and one data record per element,
// `dataPrefix | position u64 BE -> element`.
//
//   meta.extra = left u64 BE | right u64 BE     elements sit at positions left+1 .. right-1
//
// A new list starts with left = 2^63 - 1 and right = 2^63, so both ends can grow by 2^63
// elements. Positions are always contiguous (no holes): element i is at left + 1 + i, so
//
//   LPUSH/RPUSH/LPOP/RPOP         O(1) per element: a record at one end, and the index moved
//   LINDEX/LSET                   one point read (write)
//   LRANGE, LPOP/RPOP count       one short range scan from a computed position
//   LTRIM                         deletes the trimmed records (one range delete per end once
//                                 RANGE_DELETE_MIN or more go) and moves left/right, no reads;
//                                 trimming everything drops the version in O(1)
//   LINSERT                       scans to the pivot, then rewrites the shorter side of the
//                                 insertion point, moving it one position outwards
//   LREM                          scans for matches, then rewrites either everything after the
//                                 first match (survivors move towards the head) or everything
//                                 up to the last match (towards the tail), whichever is shorter
//
// An empty list never exists: the writer deletes the key when its last element goes.
// Deleting or overwriting a list drops its version in O(1) (MutableKeyspace queues it for GC).
//
// Unlike hashes and sets, lists do not go through CollectionWriter (collection.ts): the count is
// right - left - 1 by construction, so a push needs no read to learn whether its record is new,
// a pop no second read before deleting, and a trim can drop a whole run of positions with one
// range delete — none of which a field-keyed writer can know.
import { assert } from '../../util/assert.js';
import { dataPrefix, KeyType, type Meta } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import { WRONGTYPE, type Wrongtype } from './collection.js';

export type ListEnd = 'left' | 'right';

const EXTRA_BYTES = 16;
const INITIAL_LEFT = (1n << 63n) - 1n;
const INITIAL_RIGHT = 1n << 63n;
const POSITION_MAX = (1n << 64n) - 1n;
/**
 * Runs of at least this many positions are deleted with one range delete; shorter ones record by
 * record, so everyday pops leave no range tombstones for RocksDB's reads to step over.
 */
const RANGE_DELETE_MIN = 64;
const EMPTY = Buffer.alloc(0);

function positionField(pos: bigint): Buffer {
  assert(pos >= 0n && pos <= POSITION_MAX, `list position ${pos} out of u64 range`);
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(pos, 0);
  return b;
}

function encodeEnds(left: bigint, right: bigint): Buffer {
  const b = Buffer.allocUnsafe(EXTRA_BYTES);
  b.writeBigUInt64BE(left, 0);
  b.writeBigUInt64BE(right, 8);
  return b;
}

/** Read access to a list; indices are 0-based from the head and already normalized by callers. */
export class ListView {
  protected left: bigint;
  protected right: bigint;
  /** Data-record key prefix of the list's version; null while a writer creates the list. */
  protected prefix: Buffer | null;

  constructor(
    protected readonly ks: Keyspace,
    readonly db: number,
    readonly key: Buffer,
    protected meta: Meta,
    hasVersion: boolean,
  ) {
    this.prefix = hasVersion ? dataPrefix(ks.physical(db), key, meta.version) : null;
    if (meta.extra.length === 0) {
      assert(!hasVersion && meta.count === 0, 'a stored list has no end indices');
      this.left = INITIAL_LEFT;
      this.right = INITIAL_RIGHT;
    } else {
      assert(meta.extra.length === EXTRA_BYTES, 'list meta has malformed end indices');
      this.left = meta.extra.readBigUInt64BE(0);
      this.right = meta.extra.readBigUInt64BE(8);
    }
    assert(this.right - this.left - 1n === BigInt(meta.count), `list ends ${this.left}..${this.right} disagree with count ${meta.count}`);
  }

  /** Element count: O(1), from the end indices. */
  get length(): number {
    return Number(this.right - this.left - 1n);
  }

  protected position(index: number): bigint {
    return this.left + 1n + BigInt(index);
  }

  protected recordKey(pos: bigint): Buffer {
    assert(this.prefix !== null, 'list has no version yet');
    return Buffer.concat([this.prefix, positionField(pos)]);
  }

  /** The element at `index` (0 <= index < length): one point read. */
  async at(index: number): Promise<Buffer> {
    assert(index >= 0 && index < this.length, `list index ${index} out of range`);
    const v = await this.ks.reader.get(this.recordKey(this.position(index)));
    assert(v !== null, `list element ${index} is missing`);
    return v;
  }

  /** Elements [start, start + n) in head-to-tail order: one range scan. */
  async range(start: number, n: number): Promise<Buffer[]> {
    assert(start >= 0 && n >= 0 && start + n <= this.length, `list range ${start}+${n} out of bounds`);
    const out: Buffer[] = [];
    if (n === 0) return out;
    const opts = { gte: this.recordKey(this.position(start)), lt: this.recordKey(this.right), limit: n };
    // Copies: iterator buffers may be views into memory the binding reuses.
    for await (const { value } of this.ks.reader.iterate(opts)) out.push(Buffer.from(value));
    assert(out.length === n, `list range ${start}+${n} read ${out.length} elements`);
    return out;
  }

  /** Every element with its index, from the head (or from the tail when `fromTail`). */
  async *scan(fromTail = false): AsyncGenerator<{ index: number; value: Buffer }> {
    if (this.length === 0) return;
    const base = this.left + 1n;
    const opts = { gte: this.recordKey(base), lt: this.recordKey(this.right), ...(fromTail ? { reverse: true } : {}) };
    const prefixBytes = this.prefix!.length;
    for await (const { key, value } of this.ks.reader.iterate(opts)) {
      yield { index: Number(key.readBigUInt64BE(prefixBytes) - base), value: Buffer.from(value) };
    }
  }
}

/**
 * Changes to one list inside an apply batch. Element writes go to the batch overlay at once;
 * `commit()` then writes the meta record (count and ends) — or deletes the key when the list is
 * empty. A writer that changed nothing writes nothing.
 */
export class ListWriter extends ListView {
  private dirty = false;
  private cleared = false;

  constructor(
    private readonly mks: MutableKeyspace,
    db: number,
    key: Buffer,
    meta: Meta,
    /** Whether the key exists (live) now; false when this writer creates it. */
    private readonly existed: boolean,
  ) {
    super(mks, db, key, meta, existed);
  }

  /** Pushes each value in turn at `end` (LPUSH a b c leaves c first); returns the new length. */
  push(end: ListEnd, values: readonly Buffer[]): number {
    assert(!this.cleared, 'push after clear');
    this.ensureVersion();
    for (const v of values) {
      if (end === 'left') {
        assert(this.left > 0n, 'list grew past its left end');
        this.put(this.left--, v);
      } else {
        assert(this.right < POSITION_MAX, 'list grew past its right end');
        this.put(this.right++, v);
      }
    }
    return this.length;
  }

  /** Removes up to `n` elements from `end`; returns them in the order they were popped. */
  async pop(end: ListEnd, n: number): Promise<Buffer[]> {
    const k = Math.min(n, this.length);
    if (k === 0) return [];
    const start = end === 'left' ? 0 : this.length - k;
    const values = await this.range(start, k);
    this.deletePositions(this.position(start), k);
    if (end === 'left') this.left += BigInt(k);
    else {
      this.right -= BigInt(k);
      values.reverse();
    }
    return values;
  }

  /** Replaces the element at `index` (0 <= index < length). */
  set(index: number, value: Buffer): void {
    assert(index >= 0 && index < this.length, `list index ${index} out of range`);
    this.put(this.position(index), value);
  }

  /** Keeps elements [start, start + n) only; n = 0 empties the list in O(1) (its version is dropped). */
  trim(start: number, n: number): void {
    assert(start >= 0 && n >= 0 && start + n <= this.length, `list trim ${start}+${n} out of bounds`);
    if (n === 0) {
      this.cleared = true;
      return;
    }
    const tail = this.length - start - n;
    this.deletePositions(this.position(0), start);
    this.deletePositions(this.position(start + n), tail);
    this.left += BigInt(start);
    this.right -= BigInt(tail);
  }

  /**
   * Inserts `value` so that it becomes element `index` (0 <= index <= length), moving the
   * shorter side of the list one position outwards: O(min(index, length - index)).
   */
  async insertAt(index: number, value: Buffer): Promise<void> {
    assert(index >= 0 && index <= this.length, `list insert at ${index} out of range`);
    const len = this.length;
    if (index <= len - index) {
      // Elements [0, index) move one position left; the new one takes the freed position.
      const moved = await this.range(0, index);
      assert(this.left > 0n, 'list grew past its left end');
      moved.forEach((v, j) => this.put(this.left + BigInt(j), v));
      this.put(this.left + BigInt(index), value);
      this.left--;
    } else {
      // Elements [index, len) move one position right.
      const moved = await this.range(index, len - index);
      assert(this.right < POSITION_MAX, 'list grew past its right end');
      const first = this.position(index);
      moved.forEach((v, j) => this.put(first + 1n + BigInt(j), v));
      this.put(first, value);
      this.right++;
    }
  }

  /**
   * Removes the elements at `indices` (distinct, any order), compacting whichever side of the
   * span [first removed, last removed] is shorter: O(min(last + 1, length - first)).
   */
  async removeIndices(indices: readonly number[]): Promise<void> {
    if (indices.length === 0) return;
    const sorted = [...indices].sort((a, b) => a - b);
    const removed = new Set(sorted);
    assert(removed.size === sorted.length, 'duplicate list index to remove');
    const len = this.length;
    const k = sorted.length;
    const lo = sorted[0]!;
    const hi = sorted[k - 1]!;
    assert(lo >= 0 && hi < len, 'list index to remove out of range');
    if (len - lo <= hi + 1) {
      // Survivors of [lo, len) shift towards the head; the last k positions are freed.
      const span = await this.range(lo, len - lo);
      span.filter((_, j) => !removed.has(lo + j)).forEach((v, j) => this.put(this.position(lo + j), v));
      this.deletePositions(this.position(len - k), k);
      this.right -= BigInt(k);
    } else {
      // Survivors of [0, hi] shift towards the tail; the first k positions are freed.
      const span = await this.range(0, hi + 1);
      span.filter((_, j) => !removed.has(j)).forEach((v, j) => this.put(this.position(k + j), v));
      this.deletePositions(this.position(0), k);
      this.left += BigInt(k);
    }
  }

  /** Writes the meta record with the new count and ends, or deletes the key when the list is empty. */
  async commit(): Promise<void> {
    if (this.cleared || this.length === 0) {
      if (this.existed) await this.mks.deleteKey(this.db, this.key);
      return;
    }
    if (!this.dirty) return;
    this.dirty = false;
    this.meta = { ...this.meta, count: this.length, extra: encodeEnds(this.left, this.right) };
    await this.mks.writeMeta(this.db, this.key, this.meta);
  }

  private put(pos: bigint, value: Buffer): void {
    this.mks.overlay.put(this.recordKey(pos), Buffer.from(value));
    this.dirty = true;
  }

  /** Deletes the records at positions [from, from + n): point deletes, or one range delete for long runs. */
  private deletePositions(from: bigint, n: number): void {
    if (n === 0) return;
    this.dirty = true;
    if (n >= RANGE_DELETE_MIN) {
      this.mks.overlay.delRange(this.recordKey(from), this.recordKey(from + BigInt(n)));
      return;
    }
    for (let j = 0; j < n; j++) this.mks.overlay.del(this.recordKey(from + BigInt(j)));
  }

  /** Gives a list being created its version (on its first push, so a no-op writes nothing). */
  private ensureVersion(): void {
    if (this.prefix !== null) return;
    this.meta = { ...this.meta, version: this.mks.newVersion() };
    this.prefix = dataPrefix(this.mks.physical(this.db), this.key, this.meta.version);
  }
}

/** The live list at `key`: null when absent or expired, WRONGTYPE when another type is there. */
export async function openList(ks: Keyspace, db: number, key: Buffer): Promise<ListView | null | Wrongtype> {
  const meta = await ks.meta(db, key);
  if (meta === null) return null;
  if (meta.type !== KeyType.List) return WRONGTYPE;
  return new ListView(ks, db, key, meta, true);
}

/** A writer for the list at `key`; with `create`, for a new empty list when the key is absent. */
export function openListForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: true): Promise<ListWriter | Wrongtype>;
export function openListForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: boolean): Promise<ListWriter | null | Wrongtype>;
export async function openListForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: boolean): Promise<ListWriter | null | Wrongtype> {
  const meta = await ks.meta(db, key);
  if (meta !== null) return meta.type === KeyType.List ? new ListWriter(ks, db, key, meta, true) : WRONGTYPE;
  if (!create) return null;
  // version 0 is a placeholder until the first push allocates a real one (ensureVersion).
  const fresh: Meta = { type: KeyType.List, expireAtMs: 0, value: EMPTY, version: 0n, count: 0, extra: EMPTY };
  return new ListWriter(ks, db, key, fresh, false);
}

/** Whether `key` holds a list or nothing (LMOVE checks its destination before popping). */
export async function isListOrAbsent(ks: Keyspace, db: number, key: Buffer): Promise<boolean> {
  const meta = await ks.meta(db, key);
  return meta === null || meta.type === KeyType.List;
}
