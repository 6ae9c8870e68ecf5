// Argument parsing shared by every command family, with Redis's exact rules (string2ll, strtod).
import { ldZero, roundLongDouble, type LongDouble } from '../resp/double.js';

/** Bytes as a JS string with one char per byte, so error texts echo arguments byte for byte. */
export function bytesToText(b: Buffer): string {
  return b.toString('latin1');
}

export function lower(b: Buffer): string {
  return b.toString('latin1').toLowerCase();
}

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * Redis's string2ll: optional '-', digits, no leading zeros, no spaces, no '+', within int64.
 * Returns null when the text is not such an integer.
 */
export function parseInt64(b: Buffer | string): bigint | null {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  if (s.length === 0 || s.length > 20) return null;
  if (!/^-?(0|[1-9][0-9]*)$/.test(s) || s === '-0') return null;
  const v = BigInt(s);
  if (v > INT64_MAX || v < INT64_MIN) return null;
  return v;
}

/** string2ll that also fits a JS safe integer (counts, indices, offsets). */
export function parseSafeInt(b: Buffer | string): number | null {
  const v = parseInt64(b);
  if (v === null) return null;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) return null;
  return Number(v);
}

/**
 * Redis's string2ld / strtold-based float parsing for command arguments: accepts what strtod
 * accepts (decimal, exponent, "inf"/"infinity" any case, hex floats excluded by Redis's own
 * check), rejects empty strings, leading/trailing spaces and NaN.
 */
export function parseDouble(b: Buffer | string): number | null {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  if (s.length === 0 || s.length > 5000) return null;
  if (/^\s|\s$/.test(s)) return null;
  const t = s.toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isNaN(v) ? null : v;
}

export function eqIgnoreCase(b: Buffer, word: string): boolean {
  return b.length === word.length && b.toString('latin1').toLowerCase() === word;
}

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses texts of this length or longer. */
const LONG_DOUBLE_CHARS_MAX = 5 * 1024;
/**
 * Exponent magnitudes beyond these only overflow or underflow (a mantissa has fewer than
 * 5120 digits), so they are clamped to keep the exact BigInt arithmetic small.
 */
const DECIMAL_EXP_ABS_MAX = 30_000;
const BINARY_EXP_ABS_MAX = 100_000;

const DECIMAL_FLOAT = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

/**
 * Redis's string2ld: glibc strtold over the whole text (decimal, hex floats, "inf"/"infinity"
 * in any case), correctly rounded to x87 extended precision. Like Redis it rejects empty or
 * over-long texts, leading whitespace, trailing garbage, NaN, and results that overflow or
 * underflow to zero (strtold's ERANGE); a literal "inf" is accepted. Returns null on rejection.
 */
export function parseLongDouble(b: Buffer | string): LongDouble | null {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  if (s.length === 0 || s.length >= LONG_DOUBLE_CHARS_MAX) return null;
  const inf = INFINITY.exec(s);
  if (inf) return { kind: 'inf', neg: inf[1] === '-' };
  const hex = HEX_FLOAT.exec(s);
  const dec = hex ? null : DECIMAL_FLOAT.exec(s);
  const m = hex ?? dec;
  if (!m) return null;
  const neg = m[1] === '-';
  const intDigits = m[2] ?? '';
  const fracDigits = m[3] ?? '';
  // strtold needs at least one mantissa digit; "." or "0x.p1" end its parse early.
  if (intDigits.length + fracDigits.length === 0) return null;
  const mant = BigInt(`${hex ? '0x' : ''}${intDigits}${fracDigits}` || '0');
  if (mant === 0n) return ldZero(neg);
  const expAbsMax = hex ? BINARY_EXP_ABS_MAX : DECIMAL_EXP_ABS_MAX;
  const written = clampExponent(m[4], expAbsMax);
  let result: LongDouble;
  if (hex) {
    // Each hex fraction digit is 4 bits: value = mant × 2^(p − 4·fracDigits), exactly dyadic.
    result = roundLongDouble(neg, mant, 1n, written - 4 * fracDigits.length);
  } else {
    const exp10 = written - fracDigits.length;
    result = exp10 >= 0 ? roundLongDouble(neg, mant * 10n ** BigInt(exp10), 1n, 0) : roundLongDouble(neg, mant, 10n ** BigInt(-exp10), 0);
  }
  // strtold reports ERANGE for overflow (±HUGE_VALL) and for underflow to zero: Redis refuses both.
  if (result.kind === 'inf' || result.mant === 0n) return null;
  return result;
}

function clampExponent(text: string | undefined, absMax: number): number {
  if (text === undefined) return 0;
  const neg = text.startsWith('-');
  const digits = text.replace(/^[+-]?0*/, '');
  const abs = digits.length > String(absMax).length ? absMax : Math.min(Number(digits || '0'), absMax);
  return neg ? -abs : abs;
}
