// sin, cos and asin as glibc computes them, for distances identical to redis-server's.
//
// V8's Math.sin/cos/asin (fdlibm ports) differ from glibc's in the last bit for 3 to 6 percent of
// arguments; a haversine distance uses five of them, so one distance in five would differ in its
// last bits (visible in STOREDIST scores, and now and then in "%.4f" or in whether a point on the
// edge is inside). These evaluate in double-double arithmetic (about 106 bits) and round once:
// the correctly rounded result. glibc 2.36's own results are within 0.52 ulp, not always correctly
// rounded: measured against it (and mpmath) these still differ for about 0.15% of arguments,
// where glibc is the one off. Matching those would mean porting glibc's table-driven s_sin.c and
// e_asin.c.
//
// Arguments beyond |x| <= 2^20 (only a search with an absurd radius gets there, in its bounding
// box) fall back to Math.sin/Math.cos.

// Double-double values travel as (hi, lo) pairs: each operation returns hi and leaves lo in `lo`,
// so the hot loops allocate nothing.
let lo = 0;

const SPLITTER = 134217729; // 2^27 + 1

/** a + b exactly as hi + lo. */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  lo = a - (s - bb) + (b - bb);
  return s;
}

/** a * b exactly as hi + lo (Dekker's product; JS has no FMA). */
function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  lo = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** (ah + al) + (bh + bl), normalized. */
function add(ah: number, al: number, bh: number, bl: number): number {
  const sh = twoSum(ah, bh);
  const sl = lo;
  const th = twoSum(al, bl);
  const tl = lo;
  let x = sl + th;
  let h = sh + x;
  let l = x - (h - sh);
  x = l + tl;
  const h2 = h + x;
  lo = x - (h2 - h);
  h = h2;
  return h;
}

/** (ah + al) * (bh + bl), normalized. */
function mul(ah: number, al: number, bh: number, bl: number): number {
  const ph = twoProd(ah, bh);
  const x = lo + (ah * bl + al * bh);
  const h = ph + x;
  lo = x - (h - ph);
  return h;
}

/** (ah + al) / b for a double b, normalized. */
function divByNumber(ah: number, al: number, b: number): number {
  const q1 = ah / b;
  const ph = twoProd(q1, b);
  const pl = lo;
  const rh = twoSum(ah, -ph);
  const q2 = (rh - pl + lo + al) / b;
  const h = q1 + q2;
  lo = q2 - (h - q1);
  return h;
}

/** π/2 as three doubles (the leading parts of QD's double-double/quad-double π/2). */
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** Series terms below r^DD_TERMS are summed in double-double, the rest in double. */
const DD_TERMS = 11;

/** 1/n! for n = 0..31 in double-double. */
const FACT_TERMS = 32;
const INV_FACT_HI = new Float64Array(FACT_TERMS);
const INV_FACT_LO = new Float64Array(FACT_TERMS);
INV_FACT_HI[0] = 1;
for (let n = 1; n < FACT_TERMS; n++) {
  INV_FACT_HI[n] = divByNumber(INV_FACT_HI[n - 1]!, INV_FACT_LO[n - 1]!, n);
  INV_FACT_LO[n] = lo;
}

/** The reduced argument x - k·π/2 (k the nearest integer to x / (π/2)): returns hi, leaves lo in reducedLo and k mod 4 in reducedQuadrant. */
let reducedLo = 0;
let reducedQuadrant = 0;
function reduce(x: number): number {
  const k = Math.round(x / PIO2_1);
  if (k === 0) {
    reducedLo = 0;
    reducedQuadrant = 0;
    return x;
  }
  // |k| < 2^21: every k·part is exact as a double-double.
  let ph = twoProd(k, PIO2_1);
  let h = add(x, 0, -ph, -lo);
  let l = lo;
  ph = twoProd(k, PIO2_2);
  h = add(h, l, -ph, -lo);
  l = lo;
  ph = twoProd(k, PIO2_3);
  h = add(h, l, -ph, -lo);
  reducedLo = lo;
  reducedQuadrant = ((k % 4) + 4) % 4;
  return h;
}

/** Taylor series of sin (odd = 1) or cos (odd = 0) at rh + rl, |r| <= π/4, as hi + lo. */
function series(rh: number, rl: number, odd: 0 | 1): number {
  const r2h = mul(rh, rl, rh, rl);
  const r2l = lo;
  // Horner from the last term that matters at 2^-110 for |r| <= π/4. Terms from r^11 on are
  // below 2^-25 of the result, so a double carries them to 2^-78: only the first five terms
  // need double-double.
  let n = odd === 1 ? 31 : 30;
  let h = INV_FACT_HI[n]!;
  while (n > DD_TERMS) {
    n -= 2;
    h = INV_FACT_HI[n]! - h * r2h;
  }
  let l = 0;
  while (n > odd + 1) {
    n -= 2;
    const th = mul(h, l, r2h, r2l);
    h = add(INV_FACT_HI[n]!, INV_FACT_LO[n]!, -th, -lo);
    l = lo;
  }
  if (odd === 0) {
    lo = l;
    return h;
  }
  return mul(h, l, rh, rl);
}

const REDUCE_LIMIT = 2 ** 20;

/** sin (wantSin) or cos of x as hi + lo. */
function sinCos(x: number, wantSin: boolean): number {
  const hi = reduce(x);
  // sin(r + q·π/2) cycles through sin, cos, -sin, -cos.
  const q = wantSin ? reducedQuadrant : (reducedQuadrant + 1) % 4;
  const h = series(hi, reducedLo, q % 2 === 0 ? 1 : 0);
  if (q >= 2) {
    lo = -lo;
    return -h;
  }
  return h;
}

export function sin(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > REDUCE_LIMIT) return Math.sin(x);
  if (x === 0) return x; // keeps -0
  const h = sinCos(x, true);
  return h + lo;
}

export function cos(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > REDUCE_LIMIT) return Math.cos(x);
  const h = sinCos(x, false);
  return h + lo;
}

/**
 * asin by one Newton step on sin(t) = y from V8's one-ulp-accurate start, with sin(t) - y in
 * double-double: the error after the step is far below half an ulp, so the sum rounds correctly.
 */
export function asin(y: number): number {
  if (Number.isNaN(y) || y > 1 || y < -1) return NaN;
  if (y === 0) return y;
  if (y === 1 || y === -1) return Math.asin(y);
  const t0 = Math.asin(y);
  const sh = sinCos(t0, true);
  const fh = add(sh, lo, -y, 0);
  const step = (fh + lo) / Math.cos(t0);
  return t0 - step;
}
