// Redis formats doubles with printf("%.17g") (Redis 7.0 addReplyDouble) and infinities as "inf"/"-inf".
//
// JavaScript's toExponential/toFixed round exact ties away from zero, glibc's printf rounds them
// to even (1 + 2^-17 is 1.0000076293945312 in Redis, 1.0000076293945313 from toExponential), so
// ties are detected exactly and rounded to even here.

/** printf("%.<precision>g", value) for finite values, plus Redis's inf/-inf/nan spellings. */
export function formatG(value: number, precision = 17): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const { digits, exp } = roundToDigits(Math.abs(value), precision);
  if (exp < -4 || exp >= precision) {
    const mantissa = stripZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    const expStr = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    return `${sign}${mantissa}e${expStr}`;
  }
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1);
    const frac = digits.slice(exp + 1);
    return sign + stripZeros(frac.length > 0 ? `${intPart}.${frac}` : intPart);
  }
  return sign + stripZeros(`0.${'0'.repeat(-exp - 1)}${digits}`);
}

/**
 * The `precision` significant decimal digits of a positive finite `value`, rounded to nearest
 * with ties to even, and the decimal exponent of the first digit.
 */
function roundToDigits(value: number, precision: number): { digits: string; exp: number } {
  const rounded = splitExponential(value.toExponential(precision - 1));
  // A tie needs the exact value to have exactly precision+1 significant digits ending in 5.
  const longer = splitExponential(value.toExponential(precision));
  if (longer.digits.endsWith('5') && isExactly(value, longer.digits, longer.exp - precision)) {
    const truncated = longer.digits.slice(0, precision);
    const lastDigit = truncated.charCodeAt(precision - 1) - 0x30;
    // Even: round down (toExponential rounded up). Odd: rounding up, as toExponential did.
    if (lastDigit % 2 === 0) return { digits: truncated, exp: longer.exp };
  }
  return rounded;
}

function splitExponential(text: string): { digits: string; exp: number } {
  const e = text.indexOf('e');
  return { digits: text.slice(0, e).replace('.', ''), exp: Number(text.slice(e + 1)) };
}

/** Whether value === digits × 10^exp10 exactly (compared as rationals with BigInt). */
function isExactly(value: number, digits: string, exp10: number): boolean {
  const { mantissa, exp2 } = doubleParts(value);
  let left = BigInt(digits); // candidate numerator
  let right = mantissa; // value numerator
  if (exp10 >= 0) left *= 10n ** BigInt(exp10);
  else right *= 10n ** BigInt(-exp10);
  if (exp2 >= 0) right *= 1n << BigInt(exp2);
  else left *= 1n << BigInt(-exp2);
  return left === right;
}

/** A finite double's magnitude as mantissa × 2^exp2 (exact). */
function doubleParts(value: number): { mantissa: bigint; exp2: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biasedExp = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExp === 0 ? fraction : fraction | (1n << 52n);
  return { mantissa, exp2: (biasedExp === 0 ? 1 : biasedExp) - 1075 };
}

/**
 * The digits of mant × 2^exp rounded to `places` decimals, ties to even (glibc's printf rounds
 * the exact binary value), without a decimal point: at least places + 1 digits.
 */
function fixedDigits(mant: bigint, exp: number, places: number): string {
  const scale = 10n ** BigInt(places);
  let fixed: bigint;
  if (exp >= 0) fixed = (mant << BigInt(exp)) * scale;
  else {
    const num = mant * scale;
    const den = 1n << BigInt(-exp);
    fixed = num / den;
    const twiceRest = (num % den) * 2n;
    if (twiceRest > den || (twiceRest === den && (fixed & 1n) === 1n)) fixed += 1n;
  }
  return fixed.toString().padStart(places + 1, '0');
}

/** printf("%.<places>f", value) as glibc prints it (exact value, ties to even; inf, -inf, -0.000). */
export function formatFixed(value: number, places: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const { mantissa, exp2 } = doubleParts(Math.abs(value));
  const digits = fixedDigits(mantissa, exp2, places);
  return places === 0 ? sign + digits : `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** A finite double as the (exactly equal) long double Redis gets when it widens it. */
export function doubleToLongDouble(value: number): LongDouble {
  if (value === Infinity || value === -Infinity) return { kind: 'inf', neg: value < 0 };
  const { mantissa, exp2 } = doubleParts(Math.abs(value));
  return { kind: 'finite', neg: value < 0 || Object.is(value, -0), mant: mantissa, exp: exp2 };
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** The reply text of a double score/value as redis-server 7.0 sends it. */
export function formatDouble(value: number): string {
  return formatG(value, 17);
}

// ---------------------------------------------------------------------------------------------
// Long double (x87 80-bit extended) emulation for INCRBYFLOAT.
//
// redis-server on x86-64 parses with strtold, adds in `long double` and prints with "%.17Lf".
// A JS number has 53 mantissa bits, so results differ from Redis's in the last digits (0.1 + 0.2
// is "0.3" in Redis, 0.30000000000000004 in float64). Values are therefore kept as exact
// BigInt mantissa × 2^exp and every operation rounds like the x87 unit: 64 significant bits,
// round-half-even, 15-bit exponent with gradual underflow. Everything here is pure, so every
// replica computes the same bytes.

/** Significant bits of the x87 extended format (explicit integer bit included). */
const LD_MANT_BITS = 64;
/** Exponent of the least subnormal's unit: 2^-16445 is the smallest positive long double. */
const LD_LSB_EXP_MIN = -16445;
/** Every finite long double is below 2^16384. */
const LD_BITS_MAX = 16384;

/** ±mant × 2^exp with mant < 2^64 (mant 0n is a signed zero), or ±infinity. */
export type LongDouble =
  | { readonly kind: 'finite'; readonly neg: boolean; readonly mant: bigint; readonly exp: number }
  | { readonly kind: 'inf'; readonly neg: boolean };

export function ldZero(neg: boolean): LongDouble {
  return { kind: 'finite', neg, mant: 0n, exp: 0 };
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * The long double nearest to ±(num / den) × 2^exp2 (num > 0, den > 0), ties to even, with
 * subnormals and overflow to infinity, as the x87 unit and glibc's strtold round.
 */
export function roundLongDouble(neg: boolean, num: bigint, den: bigint, exp2: number): LongDouble {
  if (num <= 0n || den <= 0n) throw new Error('invariant violated: roundLongDouble needs a positive ratio');
  // Scale so the integer quotient has 66 or 67 bits: at least two bits below the kept 64,
  // with the division remainder as the sticky bit.
  const shift = 66 - (bitLength(num) - bitLength(den));
  const n = shift >= 0 ? num << BigInt(shift) : num;
  const d = shift >= 0 ? den : den << BigInt(-shift);
  const q = n / d;
  const sticky = n % d !== 0n;
  const qExp = exp2 - shift; // value = (q + sticky fraction) × 2^qExp
  let lsbExp = Math.max(qExp + bitLength(q) - LD_MANT_BITS, LD_LSB_EXP_MIN);
  const drop = BigInt(lsbExp - qExp);
  if (drop < 2n) throw new Error('invariant violated: fewer than two rounding bits');
  let mant = q >> drop;
  const rest = q & ((1n << drop) - 1n);
  const half = 1n << (drop - 1n);
  if (rest > half || (rest === half && (sticky || (mant & 1n) === 1n))) mant += 1n;
  if (mant === 1n << BigInt(LD_MANT_BITS)) {
    mant >>= 1n;
    lsbExp += 1;
  }
  if (mant === 0n) return ldZero(neg);
  if (bitLength(mant) + lsbExp > LD_BITS_MAX) return { kind: 'inf', neg };
  return { kind: 'finite', neg, mant, exp: lsbExp };
}

/** a + b in long double arithmetic; null for NaN (infinities of opposite signs). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.neg !== b.neg) return null;
    return a.kind === 'inf' ? a : b;
  }
  // The exact sum over the smaller exponent; operands differ by at most ~32k bits of shift.
  const exp = Math.min(a.exp, b.exp);
  const sa = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - exp);
  const sb = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - exp);
  const sum = sa + sb;
  // IEEE round-to-nearest: an exact zero sum is +0 unless both operands are -0.
  if (sum === 0n) return ldZero(a.neg && b.neg);
  return roundLongDouble(sum < 0n, sum < 0n ? -sum : sum, 1n, exp);
}

/**
 * Redis 7.0 ld2string(LD_STR_HUMAN) for a finite value: printf("%.17Lf") — exact decimal
 * expansion rounded half-to-even at 17 places, as glibc does — then trailing zeros and a
 * bare dot removed, and "-0" turned into "0".
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind === 'inf') return v.neg ? '-inf' : 'inf';
  const places = 17;
  const digits = fixedDigits(v.mant, v.exp, places);
  let text = `${v.neg ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`;
  text = text.replace(/0+$/, '');
  if (text.endsWith('.')) text = text.slice(0, -1);
  return text === '-0' ? '0' : text;
}
