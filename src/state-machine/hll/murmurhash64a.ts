// MurmurHash64A (MurmurHash2, 64-bit) as Redis's hyperloglog.c computes it: little-endian 8-byte
// blocks on every architecture. 64-bit words are kept as two uint32 halves because BigInt
// arithmetic is several times slower and PFADD hashes every element.
import { assert } from '../../util/assert.js';

/** A uint64 as its high and low 32-bit halves (both in [0, 2^32)). */
export interface U64 {
  hi: number;
  lo: number;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const R = 47;
const TWO32 = 0x1_0000_0000;

/** out = (a * b) mod 2^64. */
function mul64(out: U64, aHi: number, aLo: number, bHi: number, bLo: number): void {
  // aLo * bLo exactly, in 16-bit limbs so no partial product exceeds 2^32.
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const low = a0 * b0 + (mid1 % 0x10000) * 0x10000 + (mid2 % 0x10000) * 0x10000;
  const carry = Math.floor(low / TWO32);
  const high = a1 * b1 + Math.floor(mid1 / 0x10000) + Math.floor(mid2 / 0x10000) + carry;
  // The cross products only matter modulo 2^32 (they land in the high word).
  out.hi = (high + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
  out.lo = low >>> 0;
}

/** h ^= h >> 47 on the halves. */
function xorShift47(h: U64): void {
  // h >> 47 has only 17 bits: the top 17 bits of hi.
  h.lo = (h.lo ^ (h.hi >>> (R - 32))) >>> 0;
}

/** MurmurHash64A of `data` with a 32-bit `seed`, as two uint32 halves. */
export function murmurHash64A(data: Uint8Array, seed: number, out: U64 = { hi: 0, lo: 0 }): U64 {
  const len = data.length;
  // Redis passes the length as a C int; strings past 2^31 bytes never reach here.
  assert(len < 0x8000_0000, 'MurmurHash64A input longer than 2^31 bytes');
  // h = seed ^ (len * m), len widened to 64 bits as C does.
  mul64(out, 0, len, M_HI, M_LO);
  out.lo = (out.lo ^ (seed >>> 0)) >>> 0;
  const k: U64 = { hi: 0, lo: 0 };
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    const kLo = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
    const kHi = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0;
    mul64(k, kHi, kLo, M_HI, M_LO);
    xorShift47(k);
    mul64(k, k.hi, k.lo, M_HI, M_LO);
    out.hi = (out.hi ^ k.hi) >>> 0;
    out.lo = (out.lo ^ k.lo) >>> 0;
    mul64(out, out.hi, out.lo, M_HI, M_LO);
  }
  const rest = len & 7;
  if (rest > 0) {
    // The tail bytes go to their little-endian positions (byte j at bits 8j..8j+7).
    let tailLo = 0;
    let tailHi = 0;
    for (let j = 0; j < rest; j++) {
      const b = data[i + j]!;
      if (j < 4) tailLo |= b << (8 * j);
      else tailHi |= b << (8 * (j - 4));
    }
    out.hi = (out.hi ^ tailHi) >>> 0;
    out.lo = (out.lo ^ tailLo) >>> 0;
    mul64(out, out.hi, out.lo, M_HI, M_LO);
  }
  xorShift47(out);
  mul64(out, out.hi, out.lo, M_HI, M_LO);
  xorShift47(out);
  return out;
}
