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

/** A double-double: the unevaluated sum hi + lo with |lo| <= ulp(hi) / 2. */
interface DD {
  hi: number;
  lo: number;
}

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

/** a * b exactly, as hi + lo (Dekker's product; no FMA in JS). */
function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}

function add(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  let r = quickTwoSum(s.hi, s.lo + t.hi);
  r = quickTwoSum(r.hi, r.lo + t.lo);
  return r;
}

function mul(a: DD, b: DD): DD {
  const p = twoProd(a.hi, b.hi);
  return quickTwoSum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

function divByNumber(a: DD, b: number): DD {
  const q1 = a.hi / b;
  const p = twoProd(q1, b);
  const r = twoSum(a.hi, -p.hi);
  const q2 = (r.hi - p.lo + r.lo + a.lo) / b;
  return quickTwoSum(q1, q2);
}

const dd = (hi: number, lo = 0): DD => ({ hi, lo });

/** π/2 as three doubles (fdlibm's pio2_1, pio2_2, pio2_3 are 33-bit; these are full 53-bit parts). */
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** 1/n! for n = 0..32 in double-double. */
const INV_FACT: DD[] = (() => {
  const out: DD[] = [dd(1)];
  for (let n = 1; n <= 32; n++) out.push(divByNumber(out[n - 1]!, n));
  return out;
})();

/** x - k·π/2 in double-double, k the nearest integer to x / (π/2). */
function reduce(x: number): { r: DD; quadrant: number } {
  const k = Math.round(x / PIO2_1);
  if (k === 0) return { r: dd(x), quadrant: 0 };
  // k < 2^21, each k·part is exact as a double-double.
  let r = add(dd(x), negate(twoProd(k, PIO2_1)));
  r = add(r, negate(twoProd(k, PIO2_2)));
  r = add(r, negate(twoProd(k, PIO2_3)));
  return { r, quadrant: ((k % 4) + 4) % 4 };
}

const negate = (a: DD): DD => ({ hi: -a.hi, lo: -a.lo });

/** Taylor series of sin (odd = 1) or cos (odd = 0) around 0, |r| <= π/4, in double-double. */
function series(r: DD, odd: 0 | 1): DD {
  const r2 = mul(r, r);
  // Horner from the last term whose size matters at 2^-110 for |r| <= π/4.
  let n = odd === 1 ? 31 : 30;
  let acc = INV_FACT[n]!;
  while (n > odd + 1) {
    n -= 2;
    acc = add(INV_FACT[n]!, negate(mul(acc, r2)));
  }
  return odd === 1 ? mul(acc, r) : acc;
}

const REDUCE_LIMIT = 2 ** 20;

function sinCos(x: number, wantSin: boolean): number {
  const { r, quadrant } = reduce(x);
  // sin(r + qπ/2) cycles sin, cos, -sin, -cos.
  const q = wantSin ? quadrant : (quadrant + 1) % 4;
  const v = q % 2 === 0 ? series(r, 1) : series(r, 0);
  const rounded = v.hi + v.lo;
  return q >= 2 ? -rounded : rounded;
}

export function sin(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > REDUCE_LIMIT) return Math.sin(x);
  if (x === 0) return x; // keeps -0
  return sinCos(x, true);
}

export function cos(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > REDUCE_LIMIT) return Math.cos(x);
  return sinCos(x, false);
}

/** sin(t) - y in double-double, for the Newton step of asin. */
function sinMinus(t: number, y: number): DD {
  const { r, quadrant } = reduce(t);
  let v = quadrant % 2 === 0 ? series(r, 1) : series(r, 0);
  if (quadrant >= 2) v = negate(v);
  return add(v, dd(-y));
}

/**
 * asin by one Newton step on sin(t) = y from V8's one-ulp-accurate start, in double-double: the
 * error after the step is far below half an ulp, so the sum rounds correctly.
 */
export function asin(y: number): number {
  if (Number.isNaN(y) || y > 1 || y < -1) return NaN;
  if (y === 0) return y;
  if (y === 1 || y === -1) return Math.asin(y);
  const t0 = Math.asin(y);
  const f = sinMinus(t0, y);
  const step = (f.hi + f.lo) / Math.cos(t0);
  return t0 - step;
}
