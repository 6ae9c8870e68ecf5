// Strings in two representations. Small strings keep their bytes inline in the meta record (one
// point read for GET). A string that bit and range writes (SETBIT, BITFIELD, SETRANGE, APPEND,
// BITOP) make longer than INLINE_BYTES_MAX is "chunked": its meta record holds a version and the
// logical byte length, and the bytes live in fixed-size fragments, one data record each,
//
//   dataPrefix(keyspaceId, key, version) | fragmentIndex u32  ->  FRAGMENT_BYTES bytes
//
// A missing fragment reads as zero bytes, so SETBIT at bit 2^32-1 writes one fragment, not
// 512 MiB; an all-zero fragment is deleted rather than stored. Bytes of a stored fragment past
// the logical length are always zero (a chunked string only grows; SET and friends replace it
// with a fresh inline value), so growing a string never has to clear anything. Deleting or
// overwriting a chunked string is O(1): MutableKeyspace queues its version for background GC,
// as for collections.
import { assert } from '../../util/assert.js';
import { chunkedStringMeta, dataPrefix, KeyType, stringMeta, type Meta } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import { WRONGTYPE, type Wrongtype } from './string.js';

export const FRAGMENT_BYTES = 1024;
/** Bit and range writes store a string longer than this chunked. */
export const INLINE_BYTES_MAX = FRAGMENT_BYTES;

export function isChunked(meta: Meta): boolean {
  return meta.type === KeyType.String && meta.version !== 0n;
}

/** Byte length of a string's value, O(1) in both representations. */
export function stringLength(meta: Meta): number {
  assert(meta.type === KeyType.String, 'stringLength of a non-string');
  return isChunked(meta) ? meta.count : meta.value.length;
}

function fragmentKey(prefix: Buffer, index: number): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + 4);
  prefix.copy(out);
  out.writeUInt32BE(index, prefix.length);
  return out;
}

/** A stored run of bytes of a string at byte `offset`. */
export interface Piece {
  readonly offset: number;
  readonly bytes: Buffer;
}

/**
 * The stored bytes of [start, end) (clipped to the string's length) in offset order. Bytes in no
 * piece are zero. Only fragments that exist are visited, so a sparse bitmap costs what it stores.
 */
export async function* storedPieces(ks: Keyspace, db: number, key: Buffer, meta: Meta, start: number, end: number): AsyncGenerator<Piece> {
  const stop = Math.min(end, stringLength(meta));
  if (start >= stop) return;
  if (!isChunked(meta)) {
    yield { offset: start, bytes: meta.value.subarray(start, stop) };
    return;
  }
  const prefix = dataPrefix(ks.physical(db), key, meta.version);
  const first = Math.floor(start / FRAGMENT_BYTES);
  const last = Math.floor((stop - 1) / FRAGMENT_BYTES);
  const range = { gte: fragmentKey(prefix, first), lt: fragmentKey(prefix, last + 1) };
  for await (const entry of ks.reader.iterate(range)) {
    assert(entry.key.length === prefix.length + 4 && entry.value.length === FRAGMENT_BYTES, 'malformed string fragment record');
    const base = entry.key.readUInt32BE(prefix.length) * FRAGMENT_BYTES;
    const from = Math.max(start, base);
    const to = Math.min(stop, base + entry.value.length);
    // A copy: iterator buffers may be views into memory the binding reuses.
    if (from < to) yield { offset: from, bytes: Buffer.from(entry.value.subarray(from - base, to - base)) };
  }
}

/** Bytes [start, end) of a string, clipped to its length; missing fragments read as zeros. */
export async function readStringRange(ks: Keyspace, db: number, key: Buffer, meta: Meta, start: number, end: number): Promise<Buffer> {
  const stop = Math.min(end, stringLength(meta));
  if (start >= stop) return Buffer.alloc(0);
  if (!isChunked(meta)) return meta.value.subarray(start, stop);
  const out = Buffer.alloc(stop - start);
  for await (const p of storedPieces(ks, db, key, meta, start, stop)) p.bytes.copy(out, p.offset - start);
  return out;
}

/** The whole value of a string key's meta, in either representation. */
export function readStringValue(ks: Keyspace, db: number, key: Buffer, meta: Meta): Promise<Buffer> {
  return readStringRange(ks, db, key, meta, 0, stringLength(meta));
}

/** Every stored fragment of a string by index (inline values split the same way). */
export async function loadFragments(ks: Keyspace, db: number, key: Buffer, meta: Meta): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  for await (const p of storedPieces(ks, db, key, meta, 0, stringLength(meta))) {
    for (let at = p.offset; at < p.offset + p.bytes.length; ) {
      const index = Math.floor(at / FRAGMENT_BYTES);
      let frag = out.get(index);
      if (frag === undefined) {
        frag = Buffer.alloc(FRAGMENT_BYTES);
        out.set(index, frag);
      }
      const base = index * FRAGMENT_BYTES;
      const n = Math.min(base + FRAGMENT_BYTES, p.offset + p.bytes.length) - at;
      p.bytes.copy(frag, at - base, at - p.offset, at - p.offset + n);
      at += n;
    }
  }
  return out;
}

const isZero = (b: Buffer): boolean => {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
};

/**
 * Stores a new string value given as fragments (index -> FRAGMENT_BYTES bytes, missing = zeros,
 * bytes past `length` zero), replacing whatever `key` held: inline when short, chunked otherwise.
 */
export async function writeFragmentedString(ks: MutableKeyspace, db: number, key: Buffer, length: number, fragments: ReadonlyMap<number, Buffer>, expireAtMs: number): Promise<void> {
  if (length <= INLINE_BYTES_MAX) {
    const value = Buffer.alloc(length);
    for (const [index, frag] of fragments) {
      const base = index * FRAGMENT_BYTES;
      if (base < length) frag.copy(value, base, 0, Math.min(FRAGMENT_BYTES, length - base));
    }
    await ks.writeMeta(db, key, stringMeta(value, expireAtMs));
    return;
  }
  const version = ks.newVersion();
  const prefix = dataPrefix(ks.physical(db), key, version);
  for (const [index, frag] of fragments) {
    assert(frag.length === FRAGMENT_BYTES && index * FRAGMENT_BYTES < length, 'fragment out of the string');
    if (!isZero(frag)) ks.overlay.put(fragmentKey(prefix, index), frag);
  }
  await ks.writeMeta(db, key, chunkedStringMeta(version, length, expireAtMs));
}

/**
 * Read-modify-write of one string key inside an apply batch (SETBIT, BITFIELD, SETRANGE,
 * APPEND): reads and writes touch only the fragments they cover; commit() stores the changed
 * fragments and the meta record. A new or inline string turns chunked when it grows past
 * INLINE_BYTES_MAX.
 */
export class StringEditor {
  private inline: Buffer | null;
  private version: bigint;
  private prefix: Buffer | null;
  private len: number;
  private readonly fragments = new Map<number, Buffer>();
  private readonly dirty = new Set<number>();
  private modified = false;

  private constructor(
    private readonly ks: MutableKeyspace,
    private readonly db: number,
    private readonly key: Buffer,
    /** The live string's meta, null when the key does not exist. */
    readonly meta: Meta | null,
  ) {
    const chunked = meta !== null && isChunked(meta);
    this.inline = chunked ? null : meta?.value ?? Buffer.alloc(0);
    this.version = chunked ? meta.version : 0n;
    this.prefix = chunked ? dataPrefix(ks.physical(db), key, meta.version) : null;
    this.len = meta === null ? 0 : stringLength(meta);
  }

  /** An editor of `key`'s string value (empty when absent), or WRONGTYPE. */
  static async open(ks: MutableKeyspace, db: number, key: Buffer): Promise<StringEditor | Wrongtype> {
    const meta = await ks.meta(db, key);
    if (meta !== null && meta.type !== KeyType.String) return WRONGTYPE;
    return new StringEditor(ks, db, key, meta);
  }

  get length(): number {
    return this.len;
  }

  /** Whether anything (length or bytes) changed since open: commit() has something to store. */
  get isModified(): boolean {
    return this.modified;
  }

  /** Bytes [offset, offset + n); zeros past the end of the string. */
  async read(offset: number, n: number): Promise<Buffer> {
    const out = Buffer.alloc(n);
    if (this.inline !== null) {
      if (offset < this.inline.length) this.inline.copy(out, 0, offset, Math.min(this.inline.length, offset + n));
      return out;
    }
    for (let at = offset; at < offset + n; ) {
      const index = Math.floor(at / FRAGMENT_BYTES);
      const base = index * FRAGMENT_BYTES;
      const take = Math.min(base + FRAGMENT_BYTES, offset + n) - at;
      if (at < this.len) (await this.fragment(index)).copy(out, at - offset, at - base, at - base + take);
      at += take;
    }
    return out;
  }

  /** Zero-extends the string to at least `length` bytes. */
  grow(length: number): void {
    if (length <= this.len) return;
    this.modified = true;
    if (this.inline !== null && length > INLINE_BYTES_MAX) this.toChunked();
    if (this.inline !== null) {
      const next = Buffer.alloc(length);
      this.inline.copy(next);
      this.inline = next;
    }
    this.len = length;
  }

  /** Overwrites bytes at `offset`, growing the string as needed. */
  async write(offset: number, bytes: Buffer): Promise<void> {
    this.grow(offset + bytes.length);
    if (bytes.length === 0) return;
    this.modified = true;
    if (this.inline !== null) {
      // Copy on first write: the inline buffer may be a view of the stored meta record.
      if (this.meta !== null && this.inline === this.meta.value) this.inline = Buffer.from(this.inline);
      bytes.copy(this.inline, offset);
      return;
    }
    for (let at = offset; at < offset + bytes.length; ) {
      const index = Math.floor(at / FRAGMENT_BYTES);
      const base = index * FRAGMENT_BYTES;
      const take = Math.min(base + FRAGMENT_BYTES, offset + bytes.length) - at;
      const frag = await this.fragment(index);
      bytes.copy(frag, at - base, at - offset, at - offset + take);
      this.dirty.add(index);
      at += take;
    }
  }

  /** Stores the changes (nothing when none), keeping the key's expiry. */
  async commit(): Promise<void> {
    if (!this.modified) return;
    const expireAtMs = this.meta?.expireAtMs ?? 0;
    if (this.inline !== null) {
      await this.ks.writeMeta(this.db, this.key, stringMeta(this.inline, expireAtMs));
      return;
    }
    assert(this.prefix !== null, 'a chunked editor has a fragment prefix');
    for (const index of this.dirty) {
      const frag = this.fragments.get(index)!;
      const k = fragmentKey(this.prefix, index);
      if (isZero(frag)) this.ks.overlay.del(k);
      else this.ks.overlay.put(k, Buffer.from(frag));
    }
    await this.ks.writeMeta(this.db, this.key, chunkedStringMeta(this.version, this.len, expireAtMs));
  }

  private async fragment(index: number): Promise<Buffer> {
    let frag = this.fragments.get(index);
    if (frag !== undefined) return frag;
    assert(this.prefix !== null, 'fragments exist only in a chunked string');
    frag = Buffer.alloc(FRAGMENT_BYTES);
    const stored = await this.ks.reader.get(fragmentKey(this.prefix, index));
    if (stored !== null) stored.copy(frag);
    this.fragments.set(index, frag);
    return frag;
  }

  /** Moves an inline value into fragments under a fresh version (the old value had no records). */
  private toChunked(): void {
    const value = this.inline!;
    this.version = this.ks.newVersion();
    this.prefix = dataPrefix(this.ks.physical(this.db), this.key, this.version);
    for (let base = 0; base < value.length; base += FRAGMENT_BYTES) {
      const frag = Buffer.alloc(FRAGMENT_BYTES);
      value.copy(frag, 0, base, Math.min(value.length, base + FRAGMENT_BYTES));
      this.fragments.set(base / FRAGMENT_BYTES, frag);
      this.dirty.add(base / FRAGMENT_BYTES);
    }
    this.inline = null;
  }
}
