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
//   LTRIM                         deletes the trimmed records one by one (O(removed)) and moves
//                                 left/right; trimming everything drops the version in O(1)
//   LINSERT                       scans to the pivot, then rewrites the shorter side of the
//                                 insertion point, moving it one position outwards
//   LREM                          scans for matches, then compacts the shorter side of the
//                                 span between the first and last removed element outwards-in
//
// An empty list never exists: the writer deletes the key when its last element goes
// (CollectionWriter.commit). Deleting or overwriting a list drops its version in O(1).
import { assert } from '../../util/assert.js';
import { KeyType } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import { CollectionView, CollectionWriter, openCollection, openCollectionForWrite, WRONGTYPE, type Wrongtype } from './collection.js';

export type ListEnd = 'left' | 'right';

const EXTRA_BYTES = 16;
const INITIAL_LEFT = (1n << 63n) - 1n;
const INITIAL_RIGHT = 1n << 63n;
const POSITION_MAX = (1n << 64n) - 1n;

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

/** Read access to a list: indices are 0-based from the head and already normalized by callers. */
export class ListView {
  protected left: bigint;
  protected right: bigint;

  constructor(protected readonly c: CollectionView) {
    if (c.meta.extra.length === 0) {
      // A list being created: no element yet.
      assert(c.count === 0, 'a list with elements has no end indices');
      this.left = INITIAL_LEFT;
      this.right = INITIAL_RIGHT;
    } else {
      assert(c.meta.extra.length === EXTRA_BYTES, 'list meta has malformed end indices');
      this.left = c.meta.extra.readBigUInt64BE(0);
      this.right = c.meta.extra.readBigUInt64BE(8);
    }
    this.checkInvariant();
  }

  /** Element count: O(1), from meta. */
  get length(): number {
    return this.c.count;
  }

  protected position(index: number): bigint {
    return this.left + 1n + BigInt(index);
  }

  protected checkInvariant(): void {
    assert(this.right - this.left - 1n === BigInt(this.c.count), `list ends ${this.left}..${this.right} disagree with count ${this.c.count}`);
  }

  /** The element at `index` (0 <= index < length). */
  async at(index: number): Promise<Buffer> {
    assert(index >= 0 && index < this.length, `list index ${index} out of range`);
    const v = await this.c.get(positionField(this.position(index)));
    assert(v !== null, `list element ${index} is missing`);
    return v;
  }

  /** Elements [start, start + n) in head-to-tail order: one range scan. */
  async range(start: number, n: number): Promise<Buffer[]> {
    assert(start >= 0 && n >= 0 && start + n <= this.length, `list range ${start}+${n} out of bounds`);
    const out: Buffer[] = [];
    if (n === 0) return out;
    for await (const e of this.c.entries({ from: positionField(this.position(start)), limit: n })) out.push(e.value);
    assert(out.length === n, `list range ${start}+${n} read ${out.length} elements`);
    return out;
  }

  /** Every element with its index, from the head (or from the tail when `fromTail`). */
  async *scan(fromTail = false): AsyncGenerator<{ index: number; value: Buffer }> {
    if (this.length === 0) return;
    const base = this.left + 1n;
    const range = fromTail ? { reverse: true } : { from: positionField(base) };
    for await (const e of this.c.entries(range)) {
      yield { index: Number(e.field.readBigUInt64BE(0) - base), value: e.value };
    }
  }
}

/** Changes to one list inside an apply batch; `commit()` writes the meta (or deletes the emptied key). */
export class ListWriter extends ListView {
  private cleared = false;

  constructor(
    private readonly w: CollectionWriter,
    private readonly mks: MutableKeyspace,
    private readonly existed: boolean,
  ) {
    super(w);
  }

  /** Pushes each value in turn at `end` (LPUSH a b c leaves c first); returns the new length. */
  async push(end: ListEnd, values: readonly Buffer[]): Promise<number> {
    assert(!this.cleared, 'push after clear');
    const pairs: [Buffer, Buffer][] = [];
    for (const v of values) {
      if (end === 'left') {
        assert(this.left > 0n, 'list grew past its left end');
        pairs.push([positionField(this.left), v]);
        this.left--;
      } else {
        assert(this.right < POSITION_MAX, 'list grew past its right end');
        pairs.push([positionField(this.right), v]);
        this.right++;
      }
    }
    const created = await this.w.setMany(pairs);
    assert(created === values.length, 'pushed onto an occupied list position');
    this.checkInvariant();
    return this.length;
  }

  /** Removes up to `n` elements from `end`; returns them in the order they were popped. */
  async pop(end: ListEnd, n: number): Promise<Buffer[]> {
    const k = Math.min(n, this.length);
    if (k === 0) return [];
    const start = end === 'left' ? 0 : this.length - k;
    const values = await this.range(start, k);
    await this.deleteIndices(start, k);
    if (end === 'left') this.left += BigInt(k);
    else {
      this.right -= BigInt(k);
      values.reverse();
    }
    this.checkInvariant();
    return values;
  }

  /** Replaces the element at `index` (0 <= index < length). */
  async set(index: number, value: Buffer): Promise<void> {
    assert(index >= 0 && index < this.length, `list index ${index} out of range`);
    const created = await this.w.set(positionField(this.position(index)), value);
    assert(!created, 'LSET created a list element');
  }

  /** Keeps elements [start, start + n) only; n = 0 empties the list in O(1) (its version is dropped). */
  async trim(start: number, n: number): Promise<void> {
    assert(start >= 0 && n >= 0 && start + n <= this.length, `list trim ${start}+${n} out of bounds`);
    if (n === 0) {
      this.cleared = true;
      return;
    }
    const tail = this.length - start - n;
    await this.deleteIndices(0, start);
    await this.deleteIndices(start + n, tail);
    this.left += BigInt(start);
    this.right -= BigInt(tail);
    this.checkInvariant();
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
      const pairs: [Buffer, Buffer][] = moved.map((v, j) => [positionField(this.left + BigInt(j)), v]);
      pairs.push([positionField(this.left + BigInt(index)), value]);
      assert(this.left > 0n, 'list grew past its left end');
      this.left--;
      await this.w.setMany(pairs);
    } else {
      const moved = await this.range(index, len - index);
      const first = this.position(index);
      const pairs: [Buffer, Buffer][] = moved.map((v, j) => [positionField(first + 1n + BigInt(j)), v]);
      pairs.push([positionField(first), value]);
      assert(this.right < POSITION_MAX, 'list grew past its right end');
      this.right++;
      await this.w.setMany(pairs);
    }
    this.checkInvariant();
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
    const lo = sorted[0]!;
    const hi = sorted[sorted.length - 1]!;
    assert(lo >= 0 && hi < len, 'list index to remove out of range');
    if (len - lo <= hi + 1) {
      // Survivors of [lo, len) shift towards the head; the last positions are freed.
      const span = await this.range(lo, len - lo);
      const kept = span.filter((_, j) => !removed.has(lo + j));
      await this.w.setMany(kept.map((v, j) => [positionField(this.position(lo + j)), v]));
      await this.deleteIndices(len - sorted.length, sorted.length);
      this.right -= BigInt(sorted.length);
    } else {
      // Survivors of [0, hi] shift towards the tail; the first positions are freed.
      const span = await this.range(0, hi + 1);
      const kept = span.filter((_, j) => !removed.has(j));
      const shift = sorted.length;
      await this.w.setMany(kept.map((v, j) => [positionField(this.position(shift + j)), v]));
      await this.deleteIndices(0, shift);
      this.left += BigInt(shift);
    }
    this.checkInvariant();
  }

  /** Writes the meta record with the new ends, or deletes the key when the list is empty. */
  async commit(): Promise<void> {
    if (this.cleared) {
      if (this.existed) await this.mks.deleteKey(this.w.db, this.w.key);
      return;
    }
    this.checkInvariant();
    if (this.length > 0) this.w.setExtra(encodeEnds(this.left, this.right));
    await this.w.commit();
  }

  /** Deletes the records of elements [start, start + n) (known to exist), with one batched read. */
  private async deleteIndices(start: number, n: number): Promise<void> {
    if (n === 0) return;
    const fields: Buffer[] = [];
    for (let j = 0; j < n; j++) fields.push(positionField(this.position(start + j)));
    const deleted = await this.w.deleteMany(fields);
    assert(deleted === n, `deleted ${deleted} of ${n} list elements`);
  }
}

/** The live list at `key`: null when absent or expired, WRONGTYPE when another type is there. */
export async function openList(ks: Keyspace, db: number, key: Buffer): Promise<ListView | null | Wrongtype> {
  const c = await openCollection(ks, db, key, KeyType.List);
  if (c === null || c === WRONGTYPE) return c;
  return new ListView(c);
}

/** A writer for the list at `key`; with `create`, for a new empty list when the key is absent. */
export function openListForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: true): Promise<ListWriter | Wrongtype>;
export function openListForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: boolean): Promise<ListWriter | null | Wrongtype>;
export async function openListForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: boolean): Promise<ListWriter | null | Wrongtype> {
  const w = await openCollectionForWrite(ks, db, key, KeyType.List, create);
  if (w === null || w === WRONGTYPE) return w;
  return new ListWriter(w, ks, w.count > 0);
}

/** Whether `key` holds a list or nothing (LMOVE checks its destination before popping). */
export async function isListOrAbsent(ks: Keyspace, db: number, key: Buffer): Promise<boolean> {
  const meta = await ks.meta(db, key);
  return meta === null || meta.type === KeyType.List;
}
