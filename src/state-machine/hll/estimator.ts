// Redis's cardinality estimator (hllCount since Redis 5): Otmar Ertl's "improved" estimator over
// the register histogram, "New cardinality estimation algorithms for HyperLogLog sketches"
// (arXiv:1702.01284). Float64 throughout, operation for operation as the C code, so the result
// is the same integer redis-server computes.
import { HLL_Q, HLL_REGISTERS } from './layout.js';

const HLL_ALPHA_INF = 0.721347520444481703680; // 0.5/ln(2)
const TWO63 = 2n ** 63n;

/** Histogram slots: register values are 6-bit, so 64 covers corrupt dense values too. */
export const HISTOGRAM_SLOTS = 64;

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    // pow(d, 2) in C; d*d is the correctly rounded square.
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/**
 * The estimate as the uint64 hllCount returns. Registers valued above Q+1 (possible only in
 * corrupt dense values) are ignored, as in C; an estimate that does not fit (z = 0 gives
 * infinity) becomes what llroundl's overflow gives on x86-64, 2^63.
 */
export function estimateCardinality(histo: Int32Array): bigint {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - histo[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * hllSigma(histo[0]! / m);
  const e = (HLL_ALPHA_INF * m * m) / z;
  // llroundl rounds halves away from zero; e is never negative, where Math.round agrees.
  const rounded = Math.round(e);
  if (!(rounded < 2 ** 63)) return TWO63;
  return BigInt(rounded);
}
