// Redis 7.0's geohash.c: the interleaved geohash Redis stores as a sorted-set score, its decoding
// into a cell and the cell's centre, and the eight neighbours of a cell. Pure and step for step as
// the C code, so every score, cell edge and centre is bit-identical to redis-server's.
//
// A hash of `step` bits per axis keeps the longitude bits at odd and the latitude bits at even
// positions. Hashes are BigInt (C's uint64_t, wrap-around included); the hot path of a search,
// decoding a stored score, works on two 32-bit halves with plain numbers.

export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** EPSG:900913 / EPSG:3785 / OSGEO:41001: Redis cannot index closer to the poles than this. */
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
/** 26 bits per axis: 52-bit scores, exact in a double. */
export const GEO_STEP_MAX = 26;

const U64 = (1n << 64n) - 1n;

/** GeoHashBits. A zero hash (bits 0, step 0) is Redis's "no area" (GZERO). */
export interface HashBits {
  readonly bits: bigint;
  readonly step: number;
}

export interface Range {
  readonly min: number;
  readonly max: number;
}

/** GeoHashArea: the cell of a hash. */
export interface Area {
  readonly longitude: Range;
  readonly latitude: Range;
}

export interface Neighbors {
  readonly north: HashBits;
  readonly south: HashBits;
  readonly east: HashBits;
  readonly west: HashBits;
  readonly northEast: HashBits;
  readonly northWest: HashBits;
  readonly southEast: HashBits;
  readonly southWest: HashBits;
}

export const ZERO_HASH: HashBits = { bits: 0n, step: 0 };
export const isZeroHash = (h: HashBits): boolean => h.bits === 0n && h.step === 0;

/** geohashGetCoordRange: the ranges Redis encodes positions in. */
export const LONG_RANGE: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const LAT_RANGE: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

const B = [0x5555555555555555n, 0x3333333333333333n, 0x0f0f0f0f0f0f0f0fn, 0x00ff00ff00ff00ffn, 0x0000ffff0000ffffn, 0x00000000ffffffffn];

/** interleave64: x's bits to the even positions, y's to the odd ones (x, y < 2^32). */
export function interleave64(xlo: number, ylo: number): bigint {
  let x = BigInt(xlo);
  let y = BigInt(ylo);
  for (const [s, b] of [
    [16n, B[4]!],
    [8n, B[3]!],
    [4n, B[2]!],
    [2n, B[1]!],
    [1n, B[0]!],
  ] as const) {
    x = ((x | (x << s)) & b) & U64;
    y = ((y | (y << s)) & b) & U64;
  }
  return (x | (y << 1n)) & U64;
}

/** deinterleave64: the even bits in the low 32 bits of the result, the odd bits in the high 32. */
export function deinterleave64(interleaved: bigint): bigint {
  let x = interleaved;
  let y = interleaved >> 1n;
  const shifts = [0n, 1n, 2n, 4n, 8n, 16n];
  for (let i = 0; i < 6; i++) {
    x = (x | (x >> shifts[i]!)) & B[i]!;
    y = (y | (y >> shifts[i]!)) & B[i]!;
  }
  return x | (y << 32n);
}

/** C's conversion of a non-negative double to uint32_t (truncation; offsets here are below 2^32). */
const toUint32 = (v: number): number => Math.trunc(v) >>> 0;

/** geohashEncode: null where Redis returns 0 (bad step, or a position outside what Redis indexes). */
export function encode(longRange: Range, latRange: Range, longitude: number, latitude: number, step: number): HashBits | null {
  if (step > 32 || step === 0) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave64(toUint32(latOffset), toUint32(longOffset)), step };
}

/** geohashEncodeWGS84. */
export function encodeWGS84(longitude: number, latitude: number, step: number): HashBits | null {
  return encode(LONG_RANGE, LAT_RANGE, longitude, latitude, step);
}

/** geohashAlign52Bits: the hash as a 52-bit sorted-set score prefix. */
export function align52Bits(hash: HashBits): bigint {
  return (hash.bits << BigInt(52 - hash.step * 2)) & U64;
}

/** geohashDecode for already deinterleaved halves: the cell of (ilato, ilono) at `step`. */
function cell(longRange: Range, latRange: Range, ilato: number, ilono: number, step: number): Area {
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const div = 2 ** step;
  // (ilato + 1) is unsigned 32-bit arithmetic in C.
  return {
    latitude: { min: latRange.min + (ilato / div) * latScale, max: latRange.min + (((ilato + 1) >>> 0) / div) * latScale },
    longitude: { min: longRange.min + (ilono / div) * longScale, max: longRange.min + (((ilono + 1) >>> 0) / div) * longScale },
  };
}

/** geohashDecode: null for the zero hash (Redis returns 0 and leaves the area alone). */
export function decode(longRange: Range, latRange: Range, hash: HashBits): Area | null {
  if (isZeroHash(hash)) return null;
  const sep = deinterleave64(hash.bits);
  return cell(longRange, latRange, Number(sep & 0xffffffffn), Number(sep >> 32n), hash.step);
}

/** geohashDecodeAreaToLongLat: the centre of the cell, clamped to what Redis indexes. */
export function areaCenter(area: Area): [number, number] {
  let x = (area.longitude.min + area.longitude.max) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (area.latitude.min + area.latitude.max) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

/** The even bits of a 32-bit value packed into 16 bits. */
function compact(v: number): number {
  let x = v & 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/**
 * `(uint64_t)score` as gcc compiles it on x86-64 (truncation; a negative score wraps modulo 2^64,
 * what cannot be converted gives 0x8000000000000000 or, from 2^64 up, 0), as two 32-bit halves.
 */
function scoreToUint64(score: number): { hi: number; lo: number } {
  if (score >= 0 && score < TWO_64) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO_32);
    return { hi, lo: t - hi * TWO_32 };
  }
  if (score >= TWO_64) return { hi: 0, lo: 0 };
  if (score > -TWO_63) {
    const v = BigInt.asUintN(64, BigInt(Math.trunc(score)));
    return { hi: Number(v >> 32n), lo: Number(v & 0xffffffffn) };
  }
  return { hi: 0x80000000, lo: 0 };
}

/**
 * decodeGeohash (geo.c): a sorted-set score read as a step-26 hash and decoded to the centre of
 * its cell, [longitude, latitude]. Never fails: every score decodes to some clamped position.
 */
export function decodeScore(score: number): [number, number] {
  const { hi, lo } = scoreToUint64(score);
  // Even bits are the latitude, odd bits the longitude; each half holds 16 of each.
  const ilato = (compact(hi) * 65536 + compact(lo)) >>> 0;
  const ilono = (compact(hi >>> 1) * 65536 + compact(lo >>> 1)) >>> 0;
  return areaCenter(cell(LONG_RANGE, LAT_RANGE, ilato, ilono, GEO_STEP_MAX));
}

const ODD_BITS = 0xaaaaaaaaaaaaaaaan;
const EVEN_BITS = 0x5555555555555555n;

/**
 * geohash_move_x / geohash_move_y: one cell along the axis whose bits are `moving` (the odd bits:
 * east-west; the even bits: north-south), forward for d > 0, back for d < 0, wrapping around.
 * The other axis's bits are filled with ones for the carry (or borrow) to cross them.
 */
function move(hash: HashBits, d: number, moving: bigint, still: bigint): HashBits {
  if (d === 0) return hash;
  const shift = BigInt(64 - hash.step * 2);
  let x = hash.bits & moving;
  const y = hash.bits & still;
  const zz = still >> shift;
  if (d > 0) x = (x + (zz + 1n)) & U64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= moving >> shift;
  return { bits: x | y, step: hash.step };
}

const moveX = (hash: HashBits, d: number): HashBits => move(hash, d, ODD_BITS, EVEN_BITS);
const moveY = (hash: HashBits, d: number): HashBits => move(hash, d, EVEN_BITS, ODD_BITS);

/** geohashNeighbors. */
export function neighbors(hash: HashBits): Neighbors {
  const at = (dx: number, dy: number): HashBits => moveY(moveX(hash, dx), dy);
  return {
    east: at(1, 0),
    west: at(-1, 0),
    south: at(0, -1),
    north: at(0, 1),
    northWest: at(-1, 1),
    northEast: at(1, 1),
    southEast: at(1, -1),
    southWest: at(-1, -1),
  };
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's string: the position re-encoded over the standard ranges (latitude ±90, not ±85.05),
 * 26 bits per axis, as 11 base-32 characters of which the last is always '0'.
 */
export function standardGeohash(longitude: number, latitude: number): string | null {
  const hash = encode({ min: -180, max: 180 }, { min: -90, max: 90 }, longitude, latitude, 26);
  if (hash === null) return null;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((hash.bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEOALPHABET[idx];
  }
  return out;
}
