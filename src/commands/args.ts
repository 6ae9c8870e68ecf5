// Argument parsing shared by every command family, with Redis's exact rules (string2ll, strtod).

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
