// Versioned collections (hash, set, ...) on Pika/blackwidow's encoding: one meta record (type,
// version, count, type-specific `extra`) and one data record per element under
// `dataPrefix(keyspaceId, key, version) | field`. Every data type shares this file so the
// bookkeeping that must stay exact — the element count in meta, "an empty collection never
// exists", a fresh version for a new key — lives in one place.
//
//   openCollection(ks, db, key, type)                   read view of the live version
//   openCollectionForWrite(ks, db, key, type, create)   writer inside an apply batch
//   view.get / getMany / entries / randomEntry          point reads, ordered iteration, sampling
//   writer.set / setMany / delete / deleteMany          change elements, keeping `count` exact
//   writer.setExtra, writer.commit()                    write meta, or delete the key when empty
//
// Deleting or overwriting a whole collection stays O(1): MutableKeyspace.writeMeta/deleteKey
// queue the old version for background GC; nothing here ever walks a version to drop it.
import { assert } from '../../util/assert.js';
import type { Rng } from '../../util/rng.js';
import { dataPrefix, KeyType, type Meta } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import { WRONGTYPE, type Wrongtype } from './string.js';

export { WRONGTYPE, type Wrongtype };

/** One element: its field (member) bytes and stored value (empty for sets). */
export interface Entry {
  readonly field: Buffer;
  readonly value: Buffer;
}

/** Which fields `entries` walks, in field byte order (reverse: descending). */
export interface FieldRange {
  /** Start after this field (exclusive). */
  readonly after?: Buffer | null;
  /** Start at this field (inclusive). */
  readonly from?: Buffer | null;
  readonly reverse?: boolean;
  readonly limit?: number;
}

const EMPTY = Buffer.alloc(0);
const latin1 = (b: Buffer): string => b.toString('latin1');

/** Read access to the live version of one collection. */
export class CollectionView {
  /** Data-record key prefix of the current version; null until a new collection gets a version. */
  protected prefix: Buffer | null;

  constructor(
    protected readonly ks: Keyspace,
    readonly db: number,
    readonly key: Buffer,
    protected current: Meta,
    /** False for a collection that a writer is creating: it has no version and no records yet. */
    hasVersion: boolean,
  ) {
    this.prefix = hasVersion ? dataPrefix(ks.physical(db), key, current.version) : null;
  }

  get meta(): Meta {
    return this.current;
  }

  /** Element count, from meta: O(1). */
  get count(): number {
    return this.current.count;
  }

  async get(field: Buffer): Promise<Buffer | null> {
    if (this.prefix === null) return null;
    return this.ks.reader.get(Buffer.concat([this.prefix, field]));
  }

  /** Point reads issued together, so the store answers them with batched multi-gets. */
  getMany(fields: readonly Buffer[]): Promise<(Buffer | null)[]> {
    return Promise.all(fields.map((f) => this.get(f)));
  }

  /** Elements in field byte order (pending writes of the batch included, for writers). */
  async *entries(range: FieldRange = {}): AsyncGenerator<Entry> {
    const prefix = this.prefix;
    if (prefix === null) return;
    // The data records of version v end where those of v + 1 would start.
    const end = dataPrefix(this.ks.physical(this.db), this.key, this.current.version + 1n);
    const opts = {
      ...(range.after ? { gt: Buffer.concat([prefix, range.after]) } : { gte: range.from ? Buffer.concat([prefix, range.from]) : prefix }),
      lt: end,
      ...(range.reverse ? { reverse: true } : {}),
      ...(range.limit !== undefined ? { limit: range.limit } : {}),
    };
    for await (const { key, value } of this.ks.reader.iterate(opts)) {
      // Copies: iterator buffers may be views into memory the binding reuses.
      yield { field: Buffer.from(key.subarray(prefix.length)), value: Buffer.from(value) };
    }
  }

  /**
   * A random element, or null when empty: seeks to a random point between the first and last
   * field (as RANDOMKEY does between keys) and takes the next element, wrapping around. O(log N)
   * and deterministic for a given rng, but only roughly uniform: an element after a wide gap in
   * the field space is picked more often. Callers wanting exact uniformity on small collections
   * read all elements instead.
   */
  async randomEntry(rng: Rng): Promise<Entry | null> {
    const bounds = await this.bounds();
    if (bounds === null) return null;
    const probe = randomBetween(bounds.first, bounds.last, rng);
    for await (const e of this.entries({ from: probe, limit: 1 })) return e;
    return bounds.firstEntry;
  }

  private boundsCache: { first: Buffer; last: Buffer; firstEntry: Entry } | null = null;

  private async bounds(): Promise<{ first: Buffer; last: Buffer; firstEntry: Entry } | null> {
    if (this.boundsCache !== null) return this.boundsCache;
    let firstEntry: Entry | null = null;
    let last: Buffer | null = null;
    for await (const e of this.entries({ limit: 1 })) firstEntry = e;
    for await (const e of this.entries({ reverse: true, limit: 1 })) last = e.field;
    if (firstEntry === null || last === null) return null;
    this.boundsCache = { first: firstEntry.field, last, firstEntry };
    return this.boundsCache;
  }
}

/**
 * Changes to one collection inside an apply batch. Element writes go to the batch overlay at
 * once; `commit()` then writes the meta record (count, extra) — or deletes the key when the
 * last element is gone, so an empty collection never exists. A writer that changed nothing
 * writes nothing.
 */
export class CollectionWriter extends CollectionView {
  private dirty = false;

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

  /** Sets `field` to `value`; true when the field is new. */
  async set(field: Buffer, value: Buffer): Promise<boolean> {
    const old = await this.get(field);
    this.mks.overlay.put(Buffer.concat([this.ensureVersion(), field]), Buffer.from(value));
    if (old === null) this.bump(1);
    else this.dirty = true;
    return old === null;
  }

  /** Sets every pair in order (a repeated field keeps its last value); returns how many fields are new. */
  async setMany(pairs: readonly (readonly [Buffer, Buffer])[]): Promise<number> {
    // One batched read of every field first; the sets below then hit the overlay's cache.
    await this.getMany(pairs.map(([f]) => f));
    let created = 0;
    for (const [field, value] of pairs) if (await this.set(field, value)) created++;
    return created;
  }

  /** Deletes `field`; true when it existed. */
  async delete(field: Buffer): Promise<boolean> {
    if ((await this.get(field)) === null) return false;
    this.mks.overlay.del(Buffer.concat([this.prefix!, field]));
    this.bump(-1);
    return true;
  }

  /** Deletes every field given (repeats count once); returns how many existed. */
  async deleteMany(fields: readonly Buffer[]): Promise<number> {
    await this.getMany(fields);
    let deleted = 0;
    for (const field of fields) if (await this.delete(field)) deleted++;
    return deleted;
  }

  /** Replaces the type-specific trailing meta bytes (e.g. a hash's encoding flag). */
  setExtra(extra: Buffer): void {
    if (extra.equals(this.current.extra)) return;
    this.current = { ...this.current, extra: Buffer.from(extra) };
    this.dirty = true;
  }

  /** Writes the meta record, or deletes the key when it holds no element any more. */
  async commit(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    if (this.current.count > 0) await this.mks.writeMeta(this.db, this.key, this.current);
    else if (this.existed) await this.mks.deleteKey(this.db, this.key);
  }

  private bump(delta: number): void {
    const count = this.current.count + delta;
    assert(count >= 0, `collection count of ${latin1(this.key)} went negative`);
    this.current = { ...this.current, count };
    this.dirty = true;
  }

  /** The data prefix, allocating a version first when this writer creates the collection. */
  private ensureVersion(): Buffer {
    if (this.prefix === null) {
      // Allocated on the first element rather than on open, so a command that ends up writing
      // nothing consumes no version.
      this.current = { ...this.current, version: this.mks.newVersion() };
      this.prefix = dataPrefix(this.mks.physical(this.db), this.key, this.current.version);
    }
    return this.prefix;
  }
}

/** The live collection at `key`: null when absent or expired, WRONGTYPE when another type is there. */
export async function openCollection(ks: Keyspace, db: number, key: Buffer, type: KeyType): Promise<CollectionView | null | Wrongtype> {
  assert(type !== KeyType.String, 'strings are not versioned collections');
  const meta = await ks.meta(db, key);
  if (meta === null) return null;
  if (meta.type !== type) return WRONGTYPE;
  return new CollectionView(ks, db, key, meta, true);
}

/**
 * A writer for the collection at `key`. When the key is absent (or expired) it returns null,
 * or with `create` a writer for a new empty collection, which comes into existence at
 * `commit()` only if an element was added. WRONGTYPE when another type is there.
 */
export async function openCollectionForWrite(
  ks: MutableKeyspace,
  db: number,
  key: Buffer,
  type: KeyType,
  create: boolean,
): Promise<CollectionWriter | null | Wrongtype> {
  assert(type !== KeyType.String, 'strings are not versioned collections');
  const meta = await ks.meta(db, key);
  if (meta !== null) return meta.type === type ? new CollectionWriter(ks, db, key, meta, true) : WRONGTYPE;
  if (!create) return null;
  // version 0 is a placeholder until the first element allocates a real one (ensureVersion).
  const fresh: Meta = { type, expireAtMs: 0, value: EMPTY, version: 0n, count: 0, extra: EMPTY };
  return new CollectionWriter(ks, db, key, fresh, false);
}

/** A random byte string ordered between `first` and `last` (inclusive of their common prefix). */
function randomBetween(first: Buffer, last: Buffer, rng: Rng): Buffer {
  let p = 0;
  while (p < first.length && p < last.length && first[p] === last[p]) p++;
  const lo = p < first.length ? first[p]! : 0;
  const hi = p < last.length ? last[p]! : 255;
  const out = Buffer.allocUnsafe(p + 1 + 8);
  last.copy(out, 0, 0, p);
  out[p] = lo + rng.int(Math.max(1, hi - lo + 1));
  for (let i = p + 1; i < out.length; i++) out[i] = rng.int(256);
  return out;
}

/** A random probe ordered between `first` and `last`, for types that sample their own record ranges (sorted sets' member records). */
export function randomProbeBetween(first: Buffer, last: Buffer, rng: Rng): Buffer {
  return randomBetween(first, last, rng);
}
