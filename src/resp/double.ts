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
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biasedExp = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  // value = mantissa × 2^exp2
  const mantissa = biasedExp === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = (biasedExp === 0 ? 1 : biasedExp) - 1075;
  let left = BigInt(digits); // candidate numerator
  let right = mantissa; // value numerator
  if (exp10 >= 0) left *= 10n ** BigInt(exp10);
  else right *= 10n ** BigInt(-exp10);
  if (exp2 >= 0) right *= 1n << BigInt(exp2);
  else left *= 1n << BigInt(-exp2);
  return left === right;
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
