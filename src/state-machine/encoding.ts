import { assert } from '../util/assert.js';

// Pika/blackwidow-style encoding of every record in one RocksDB keyspace.
//
//   meta    'm' | keyspaceId u32 | userKey                        -> Meta
//   data    'd' | keyspaceId u32 | len(userKey) u32 | userKey | version u64 | field
//   expire  'e' | expireAtMs u64 | keyspaceId u32 | userKey      -> ''   (index for the active expirer)
//   gc      'g' | seq u64                                          -> GcTask
//   system  's' | name [| keyspaceId u32]                          -> value
//
// A logical database (SELECT 0..15) maps to a physical keyspace id stored under 's' 'dbmap', so
// FLUSHDB/FLUSHALL/SWAPDB are O(1): they remap ids and queue the old keyspace for background GC.
// Lengths are prefixed in data keys so one user key is never a prefix of another's records.

export const PREFIX = { meta: 0x6d, data: 0x64, expire: 0x65, gc: 0x67, system: 0x73 } as const;

export enum KeyType {
  String = 1,
  Hash = 2,
  List = 3,
  Set = 4,
  ZSet = 5,
  Stream = 6,
}

export const TYPE_NAMES: Record<KeyType, string> = {
  [KeyType.String]: 'string',
  [KeyType.Hash]: 'hash',
  [KeyType.List]: 'list',
  [KeyType.Set]: 'set',
  [KeyType.ZSet]: 'zset',
  [KeyType.Stream]: 'stream',
};

/**
 * The decoded meta record of a user key. Strings keep their value inline; collections a version.
 * A chunked string (see types/string-fragments.ts) has type String, a non-zero version, its byte
 * length in `count` and an empty `value`: its bytes live in data records under that version.
 */
export interface Meta {
  readonly type: KeyType;
  /** Absolute expiry in ms since the epoch, 0 = none. */
  readonly expireAtMs: number;
  /** String value (strings only). */
  readonly value: Buffer;
  /** Collection version: data records of other versions are garbage (collections only). */
  readonly version: bigint;
  /** Element count (collections only). */
  readonly count: number;
  /** Type-specific trailing fields (e.g. list head/tail), opaque here. */
  readonly extra: Buffer;
}

const STRING_HEADER_BYTES = 9;
const COLLECTION_HEADER_BYTES = 25;
/** Set in the type byte of a chunked string's meta record, which has the collection header. */
const CHUNKED_STRING_TAG = 0x80;

/** Whether data records belong to this key: every collection, and chunked strings. */
export function hasDataRecords(meta: Meta): boolean {
  return meta.type !== KeyType.String || meta.version !== 0n;
}

export function encodeMeta(meta: Meta): Buffer {
  if (meta.type === KeyType.String && meta.version === 0n) {
    const out = Buffer.allocUnsafe(STRING_HEADER_BYTES + meta.value.length);
    out[0] = meta.type;
    out.writeBigUInt64BE(BigInt(meta.expireAtMs), 1);
    meta.value.copy(out, STRING_HEADER_BYTES);
    return out;
  }
  const out = Buffer.allocUnsafe(COLLECTION_HEADER_BYTES + meta.extra.length);
  out[0] = meta.type === KeyType.String ? meta.type | CHUNKED_STRING_TAG : meta.type;
  out.writeBigUInt64BE(BigInt(meta.expireAtMs), 1);
  out.writeBigUInt64BE(meta.version, 9);
  out.writeBigUInt64BE(BigInt(meta.count), 17);
  meta.extra.copy(out, COLLECTION_HEADER_BYTES);
  return out;
}

const EMPTY = Buffer.alloc(0);

export function decodeMeta(raw: Buffer): Meta {
  const chunked = raw[0]! === (KeyType.String | CHUNKED_STRING_TAG);
  const type = (chunked ? KeyType.String : raw[0]) as KeyType;
  assert(type >= KeyType.String && type <= KeyType.Stream, `meta record has unknown type ${type}`);
  const expireAtMs = Number(raw.readBigUInt64BE(1));
  if (type === KeyType.String && !chunked) {
    return { type, expireAtMs, value: raw.subarray(STRING_HEADER_BYTES), version: 0n, count: 0, extra: EMPTY };
  }
  assert(raw.length >= COLLECTION_HEADER_BYTES, 'collection meta record is truncated');
  return {
    type,
    expireAtMs,
    value: EMPTY,
    version: raw.readBigUInt64BE(9),
    count: Number(raw.readBigUInt64BE(17)),
    extra: raw.subarray(COLLECTION_HEADER_BYTES),
  };
}

export function stringMeta(value: Buffer, expireAtMs: number): Meta {
  return { type: KeyType.String, expireAtMs, value, version: 0n, count: 0, extra: EMPTY };
}

/** A chunked string of `length` bytes whose fragments live under `version`. */
export function chunkedStringMeta(version: bigint, length: number, expireAtMs: number): Meta {
  assert(version !== 0n, 'a chunked string needs a version');
  return { type: KeyType.String, expireAtMs, value: EMPTY, version, count: length, extra: EMPTY };
}

export function metaKey(keyspaceId: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + key.length);
  out[0] = PREFIX.meta;
  out.writeUInt32BE(keyspaceId, 1);
  key.copy(out, 5);
  return out;
}

/** The first and one-past-last meta keys of a keyspace (for iteration). */
export function metaRange(keyspaceId: number): { gte: Buffer; lt: Buffer } {
  const gte = Buffer.allocUnsafe(5);
  gte[0] = PREFIX.meta;
  gte.writeUInt32BE(keyspaceId, 1);
  const lt = Buffer.allocUnsafe(5);
  lt[0] = PREFIX.meta;
  lt.writeUInt32BE(keyspaceId + 1, 1);
  return { gte, lt };
}

export function userKeyFromMetaKey(raw: Buffer): Buffer {
  return raw.subarray(5);
}

/** Prefix of every data record of one version of a collection. */
export function dataPrefix(keyspaceId: number, key: Buffer, version: bigint): Buffer {
  const out = Buffer.allocUnsafe(1 + 4 + 4 + key.length + 8);
  out[0] = PREFIX.data;
  out.writeUInt32BE(keyspaceId, 1);
  out.writeUInt32BE(key.length, 5);
  key.copy(out, 9);
  out.writeBigUInt64BE(version, 9 + key.length);
  return out;
}

export function dataKey(keyspaceId: number, key: Buffer, version: bigint, field: Buffer): Buffer {
  return Buffer.concat([dataPrefix(keyspaceId, key, version), field]);
}

/** [start, end) covering every data record of the whole keyspace. */
export function keyspaceDataRange(keyspaceId: number): { start: Buffer; end: Buffer } {
  const start = Buffer.allocUnsafe(5);
  start[0] = PREFIX.data;
  start.writeUInt32BE(keyspaceId, 1);
  const end = Buffer.allocUnsafe(5);
  end[0] = PREFIX.data;
  end.writeUInt32BE(keyspaceId + 1, 1);
  return { start, end };
}

export function expireIndexKey(expireAtMs: number, keyspaceId: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + 8 + 4 + key.length);
  out[0] = PREFIX.expire;
  out.writeBigUInt64BE(BigInt(expireAtMs), 1);
  out.writeUInt32BE(keyspaceId, 9);
  key.copy(out, 13);
  return out;
}

export function decodeExpireIndexKey(raw: Buffer): { expireAtMs: number; keyspaceId: number; key: Buffer } {
  assert(raw[0] === PREFIX.expire && raw.length >= 13, 'not an expire index key');
  return { expireAtMs: Number(raw.readBigUInt64BE(1)), keyspaceId: raw.readUInt32BE(9), key: raw.subarray(13) };
}

export function expireIndexUpTo(nowMs: number): { gte: Buffer; lte: Buffer } {
  const gte = Buffer.from([PREFIX.expire]);
  const lte = Buffer.alloc(9, 0xff);
  lte[0] = PREFIX.expire;
  lte.writeBigUInt64BE(BigInt(nowMs), 1);
  return { gte, lte };
}

export function systemKey(name: string, keyspaceId?: number): Buffer {
  const head = Buffer.from(`s${name}`, 'latin1');
  if (keyspaceId === undefined) return head;
  const out = Buffer.allocUnsafe(head.length + 4);
  head.copy(out);
  out.writeUInt32BE(keyspaceId, head.length);
  return out;
}

export function gcKey(seq: bigint): Buffer {
  const out = Buffer.allocUnsafe(9);
  out[0] = PREFIX.gc;
  out.writeBigUInt64BE(seq, 1);
  return out;
}

export const GC_RANGE = { gte: Buffer.from([PREFIX.gc]), lt: Buffer.from([PREFIX.gc + 1]) };

export function u64(n: number | bigint): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeBigUInt64BE(BigInt(n));
  return out;
}

export function readU64(raw: Buffer | null): bigint {
  return raw === null ? 0n : raw.readBigUInt64BE(0);
}
