// The HyperLogLog string layout of Redis's hyperloglog.c, byte for byte: a 16-byte header
// ("HYLL", encoding, 3 unused bytes, cached cardinality as uint64 little-endian whose top bit
// marks it stale) followed by the registers, dense (16384 6-bit registers packed LSB first) or
// sparse (ZERO/XZERO/VAL run-length opcodes). Registers are addressed by the low 14 bits of
// MurmurHash64A(element, 0xadc83b19); their value is the position of the first 1 in the other 50.
import { murmurHash64A, type U64 } from './murmurhash64a.js';
import { SdsBuffer } from './sds-buffer.js';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
const HLL_HASH_SEED = 0xadc83b19;

const ENCODING_AT = 4;
const CARD_AT = 8;
/** The byte holding the cached cardinality's most significant bit (the "stale" flag). */
const CARD_MSB_AT = CARD_AT + 7;

/**
 * isHLLObjectOrReply: long enough for a header, magic "HYLL", a known encoding, and a dense value
 * exactly HLL_DENSE_SIZE long. Sparse opcodes are not checked here (only when they are walked).
 */
export function isHllValue(v: Uint8Array): boolean {
  if (v.length < HLL_HDR_SIZE) return false;
  if (v[0] !== 0x48 || v[1] !== 0x59 || v[2] !== 0x4c || v[3] !== 0x4c) return false;
  const encoding = v[ENCODING_AT]!;
  if (encoding > HLL_MAX_ENCODING) return false;
  return encoding !== HLL_DENSE || v.length === HLL_DENSE_SIZE;
}

/** The encoding byte of an HLL value or of its sds buffer's bytes. */
export function encodingOf(bytes: Uint8Array): number {
  return bytes[ENCODING_AT]!;
}

export function setEncoding(s: SdsBuffer, encoding: number): void {
  s.bytes[ENCODING_AT] = encoding;
}

/** HLL_INVALIDATE_CACHE. */
export function invalidateCache(s: SdsBuffer): void {
  s.bytes[CARD_MSB_AT]! |= 0x80;
}

/** The cached cardinality when its stale flag is clear (HLL_VALID_CACHE), else null. */
export function cachedCardinality(v: Uint8Array): bigint | null {
  if ((v[CARD_MSB_AT]! & 0x80) !== 0) return null;
  return Buffer.from(v.buffer, v.byteOffset + CARD_AT, 8).readBigUInt64LE(0);
}

/** createHLLObject: a sparse HLL of XZERO opcodes covering every register, cache 0 and valid. */
export function createHll(): SdsBuffer {
  const xzeros = Math.ceil(HLL_REGISTERS / HLL_SPARSE_XZERO_MAX_LEN);
  const s = SdsBuffer.zeroed(HLL_HDR_SIZE + xzeros * 2);
  s.bytes.set([0x48, 0x59, 0x4c, 0x4c]);
  setEncoding(s, HLL_SPARSE);
  let left = HLL_REGISTERS;
  let p = HLL_HDR_SIZE;
  while (left > 0) {
    const run = Math.min(left, HLL_SPARSE_XZERO_MAX_LEN);
    sparseXzeroSet(s.bytes, p, run);
    p += 2;
    left -= run;
  }
  return s;
}

// ---- Hashing: element -> (register, run length) ------------------------------------------

const hashScratch: U64 = { hi: 0, lo: 0 };

/** hllPatLen: the register `element` maps to and the length of its "000..1" pattern (1..Q+1). */
export function patternOf(element: Uint8Array): { index: number; count: number } {
  const h = murmurHash64A(element, HLL_HASH_SEED, hashScratch);
  const index = h.lo & HLL_P_MASK;
  // The pattern starts at bit P; a 1 forced at bit 64 (Q bits later) caps the count at Q+1.
  const lowBits = h.lo >>> HLL_P;
  let count: number;
  if (lowBits !== 0) count = ctz32(lowBits) + 1;
  else if (h.hi !== 0) count = 32 - HLL_P + ctz32(h.hi) + 1;
  else count = HLL_Q + 1;
  return { index, count };
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

// ---- Dense registers -----------------------------------------------------------------------

/**
 * HLL_DENSE_GET_REGISTER on the register bytes starting at `base`. The last register reads one
 * byte past the registers (the terminator), whose bits are masked off.
 */
export function denseGet(bytes: Uint8Array, base: number, regnum: number): number {
  const byte = base + ((regnum * HLL_BITS) >>> 3);
  const fb = (regnum * HLL_BITS) & 7;
  const b0 = bytes[byte]!;
  const b1 = bytes[byte + 1] ?? 0;
  return ((b0 >>> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

/** HLL_DENSE_SET_REGISTER; `value` is at most HLL_REGISTER_MAX. */
export function denseSet(bytes: Uint8Array, base: number, regnum: number, value: number): void {
  const byte = base + ((regnum * HLL_BITS) >>> 3);
  const fb = (regnum * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  bytes[byte] = (bytes[byte]! & ~(HLL_REGISTER_MAX << fb)) | (value << fb);
  // For the last register this touches the terminator with a no-op (mask and value both empty).
  if (byte + 1 < bytes.length) bytes[byte + 1] = (bytes[byte + 1]! & ~(HLL_REGISTER_MAX >>> fb8)) | (value >>> fb8);
}

/** hllDenseSet: raises register `index` to `count`; true when it changed. */
export function denseRaise(s: SdsBuffer, index: number, count: number): boolean {
  if (count <= denseGet(s.bytes, HLL_HDR_SIZE, index)) return false;
  denseSet(s.bytes, HLL_HDR_SIZE, index, count);
  return true;
}

/** hllDenseRegHisto: adds every register's value to `histo`. */
export function denseHistogram(bytes: Uint8Array, histo: Int32Array): void {
  for (let j = 0; j < HLL_REGISTERS; j++) histo[denseGet(bytes, HLL_HDR_SIZE, j)]!++;
}

// ---- Sparse opcodes ------------------------------------------------------------------------

export const HLL_SPARSE_VAL_MAX_VALUE = 32;
export const HLL_SPARSE_VAL_MAX_LEN = 4;
export const HLL_SPARSE_ZERO_MAX_LEN = 64;
export const HLL_SPARSE_XZERO_MAX_LEN = 16384;

export const sparseIsZero = (b: number): boolean => (b & 0xc0) === 0;
export const sparseIsXzero = (b: number): boolean => (b & 0xc0) === 0x40;
export const sparseIsVal = (b: number): boolean => (b & 0x80) !== 0;
export const sparseZeroLen = (b: number): number => (b & 0x3f) + 1;
/** The second byte is read even when it is the terminator: a truncated XZERO is legal input. */
export const sparseXzeroLen = (bytes: Uint8Array, p: number): number => (((bytes[p]! & 0x3f) << 8) | bytes[p + 1]!) + 1;
export const sparseValValue = (b: number): number => ((b >>> 2) & 0x1f) + 1;
export const sparseValLen = (b: number): number => (b & 0x3) + 1;

export function sparseValSet(bytes: Uint8Array, p: number, value: number, len: number): void {
  bytes[p] = (((value - 1) << 2) | (len - 1) | 0x80) & 0xff;
}

export function sparseZeroSet(bytes: Uint8Array, p: number, len: number): void {
  bytes[p] = (len - 1) & 0xff;
}

export function sparseXzeroSet(bytes: Uint8Array, p: number, len: number): void {
  const l = len - 1;
  bytes[p] = ((l >> 8) | 0x40) & 0xff;
  bytes[p + 1] = l & 0xff;
}
