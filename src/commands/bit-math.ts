// Pure bit arithmetic of Redis's bitops.c: bit fields of 1..64 bits at any bit offset (bit 0 is
// the most significant bit of byte 0), the overflow rules of BITFIELD (WRAP, SAT, FAIL), popcount
// and the first-set/clear-bit search. int64/uint64 semantics are kept exactly with BigInt.

export type Overflow = 'wrap' | 'sat' | 'fail';

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const I64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** getUnsignedBitfield: `bits` bits of `buf` from bit `offset`, big-endian; bytes past the end are 0. */
export function getUnsignedBits(buf: Buffer, offset: number, bits: number): bigint {
  let value = 0n;
  for (let j = 0; j < bits; j++, offset++) {
    const byte = buf[offset >>> 3] ?? 0;
    value = (value << 1n) | BigInt((byte >> (7 - (offset & 7))) & 1);
  }
  return value;
}

/** getSignedBitfield: the field as two's complement of `bits` bits. */
export function getSignedBits(buf: Buffer, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsignedBits(buf, offset, bits));
}

/** setUnsignedBitfield / setSignedBitfield: stores the low `bits` bits of `value`. */
export function setBits(buf: Buffer, offset: number, bits: number, value: bigint): void {
  const v = U64(value);
  for (let j = 0; j < bits; j++, offset++) {
    const bit = (v >> BigInt(bits - 1 - j)) & 1n;
    const shift = 7 - (offset & 7);
    const at = offset >>> 3;
    buf[at] = (buf[at]! & ~(1 << shift)) | (Number(bit) << shift);
  }
}

/** What an overflow check decided: 0 fits, 1 overflow, -1 underflow; `limit` is the value to store. */
export interface OverflowCheck {
  readonly overflow: -1 | 0 | 1;
  /** The wrapped or saturated value (absent for FAIL and when nothing overflowed). */
  readonly limit?: bigint;
}

/** checkUnsignedBitfieldOverflow: `value` is a uint64, `incr` an int64. */
export function checkUnsignedOverflow(value: bigint, incr: bigint, bits: number, mode: Overflow): OverflowCheck {
  const max = bits === 64 ? U64(-1n) : (1n << BigInt(bits)) - 1n;
  const maxincr = I64(max - value);
  const minincr = I64(-value);
  const wrap = (): bigint => BigInt.asUintN(bits, value + incr);
  if (value > max || (incr > 0n && incr > maxincr)) {
    return mode === 'wrap' ? { overflow: 1, limit: wrap() } : mode === 'sat' ? { overflow: 1, limit: max } : { overflow: 1 };
  }
  if (incr < 0n && incr < minincr) {
    return mode === 'wrap' ? { overflow: -1, limit: wrap() } : mode === 'sat' ? { overflow: -1, limit: 0n } : { overflow: -1 };
  }
  return { overflow: 0 };
}

/** checkSignedBitfieldOverflow, including its int64 wrap-arounds: `value` and `incr` are int64. */
export function checkSignedOverflow(value: bigint, incr: bigint, bits: number, mode: Overflow): OverflowCheck {
  const max = bits === 64 ? (1n << 63n) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = I64(U64(max) - U64(value));
  const minincr = I64(min - value);
  const wrap = (): bigint => {
    const c = U64(value + incr);
    return bits < 64 ? BigInt.asIntN(bits, c) : I64(c);
  };
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return mode === 'wrap' ? { overflow: 1, limit: wrap() } : mode === 'sat' ? { overflow: 1, limit: max } : { overflow: 1 };
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return mode === 'wrap' ? { overflow: -1, limit: wrap() } : mode === 'sat' ? { overflow: -1, limit: min } : { overflow: -1 };
  }
  return { overflow: 0 };
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

export function popcount(buf: Buffer): number {
  let n = 0;
  for (let i = 0; i < buf.length; i++) n += POPCOUNT[buf[i]!]!;
  return n;
}

/** Position (0..7) of the first bit equal to `bit` in `byte` from bit `from` to bit `to` inclusive, or -1. */
export function firstBitInByte(byte: number, bit: 0 | 1, from: number, to: number): number {
  for (let i = from; i <= to; i++) if (((byte >> (7 - i)) & 1) === bit) return i;
  return -1;
}

/**
 * A BITCOUNT/BITPOS range after Redis's normalization: start and end (inclusive, in the units of
 * `length`: bytes or bits) as given or counted from the end, clamped to [0, length). Null when
 * the range is empty.
 */
export function normalizeRange(start: bigint, end: bigint, length: bigint): { start: number; end: number } | null {
  let s = start < 0n ? length + start : start;
  let e = end < 0n ? length + end : end;
  if (s < 0n) s = 0n;
  if (e < 0n) e = 0n;
  if (e >= length) e = length - 1n;
  return s > e ? null : { start: Number(s), end: Number(e) };
}
