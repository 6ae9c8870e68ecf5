// Stream entry IDs (Redis t_stream.c streamID): two unsigned 64-bit numbers, milliseconds and
// sequence, ordered as one 128-bit number. Stored as 16 big-endian bytes so RocksDB's byte order
// is ID order and ranges of entries are range scans.

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const U64_MAX = 0xffffffffffffffffn;
export const MIN_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };
export const ID_BYTES = 16;

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export const isZeroId = (id: StreamId): boolean => id.ms === 0n && id.seq === 0n;
export const formatId = (id: StreamId): string => `${id.ms}-${id.seq}`;

export function encodeId(id: StreamId): Buffer {
  const out = Buffer.allocUnsafe(ID_BYTES);
  out.writeBigUInt64BE(id.ms, 0);
  out.writeBigUInt64BE(id.seq, 8);
  return out;
}

export function decodeId(raw: Buffer, offset = 0): StreamId {
  return { ms: raw.readBigUInt64BE(offset), seq: raw.readBigUInt64BE(offset + 8) };
}

/** streamIncrID: the next ID, or null past the last possible one. */
export function incrId(id: StreamId): StreamId | null {
  if (id.seq !== U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms !== U64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return null;
}

/** streamDecrID: the previous ID, or null before 0-0. */
export function decrId(id: StreamId): StreamId | null {
  if (id.seq !== 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms !== 0n) return { ms: id.ms - 1n, seq: U64_MAX };
  return null;
}

/** streamNextID: an auto-generated ID after `last` at time `nowMs`. */
export function nextAutoId(last: StreamId, nowMs: number): StreamId | null {
  const ms = BigInt(nowMs);
  return ms > last.ms ? { ms, seq: 0n } : incrId(last);
}

const INT64 = /^-?(0|[1-9][0-9]*)$/;
const STRTOULL = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;

/**
 * Redis's string2ull: an int64 literal (negative refused), else what glibc strtoull accepts
 * whole (leading spaces, a sign, leading zeros; a '-' negates modulo 2^64; overflow refused).
 */
export function parseU64(s: string): bigint | null {
  if (s.length > 0 && s.length <= 20 && INT64.test(s) && s !== '-0') {
    const v = BigInt(s);
    if (v >= -(2n ** 63n) && v < 2n ** 63n) return v < 0n ? null : v;
  }
  const m = STRTOULL.exec(s);
  if (!m) return null;
  const v = BigInt(m[2]!);
  if (v > U64_MAX) return null;
  return m[1] === '-' ? (v === 0n ? 0n : 2n ** 64n - v) : v;
}

/** How an ID argument was written: `ms-*` leaves the sequence to XADD. */
export interface ParsedId {
  readonly id: StreamId;
  readonly seqGiven: boolean;
}

/** Longest ID argument streamGenericParseIDOrReply copies into its 128-byte buffer. */
const ID_TEXT_MAX = 127;

/**
 * streamGenericParseIDOrReply: `ms-seq`, `ms` (sequence `missingSeq`), and unless `strict`
 * `-` / `+`; with `allowSeqStar` (XADD) also `ms-*`. Null when invalid.
 */
export function parseId(arg: Buffer, missingSeq: bigint, strict: boolean, allowSeqStar = false): ParsedId | null {
  if (arg.length > ID_TEXT_MAX) return null;
  // C string semantics: the text ends at the first NUL byte.
  let s = arg.toString('latin1');
  const nul = s.indexOf('\0');
  if (nul !== -1) s = s.slice(0, nul);
  if (s === '-' || s === '+') {
    if (strict) return null;
    return { id: s === '-' ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dash = s.indexOf('-');
  const msText = dash === -1 ? s : s.slice(0, dash);
  const ms = parseU64(msText);
  if (ms === null) return null;
  if (dash === -1) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const seqText = s.slice(dash + 1);
  if (allowSeqStar && seqText === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = parseU64(seqText);
  return seq === null ? null : { id: { ms, seq }, seqGiven: true };
}

/** streamParseIntervalIDOrReply: a range bound, `(` for exclusive (never `(-` or `(+`). */
export function parseIntervalId(arg: Buffer, missingSeq: bigint): { id: StreamId; exclusive: boolean } | null {
  const exclusive = arg.length > 1 && arg[0] === 0x28;
  const parsed = exclusive ? parseId(arg.subarray(1), missingSeq, true) : parseId(arg, missingSeq, false);
  return parsed === null ? null : { id: parsed.id, exclusive };
}
