// The byte size redis-server 7.0 gives a stream node's listpack (listpack.c, t_stream.c
// streamAppendItem), computed rather than stored: Redis starts a new node when the tail's
// listpack bytes plus the new entry's field and value lengths reach stream-node-max-bytes, so
// `MAXLEN ~`/`MINID ~` (which drop whole nodes) match redis-server only if the node boundaries
// do. Only sizes are modelled; pikiraft stores entries as separate records.
import type { StreamId } from './stream-id.js';

const INT64_TEXT = /^-?[1-9][0-9]*$|^0$/;

/** lpStringToInt64: the int64 a string spells exactly (no '+', no leading zeros, no "-0"), else null. */
function stringToInt64(b: Buffer): bigint | null {
  if (b.length === 0 || b.length > 20) return null;
  const s = b.toString('latin1');
  if (!INT64_TEXT.test(s)) return null;
  const v = BigInt(s);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : null;
}

/** Listpack header (total bytes u32, element count u16) and end byte. */
const LP_EMPTY_BYTES = 7;
/** Entry flags (STREAM_ITEM_FLAG_*) and counters below 128 take one encoding byte and one backlen byte. */
const SMALL_INT_BYTES = 2;

/** One integer element: its encoding (7-bit uint, 13/16/24/32/64-bit int) plus a one-byte backlen. */
export function intElementBytes(v: bigint): number {
  if (v >= 0n && v <= 127n) return 2;
  if (v >= -4096n && v <= 4095n) return 3;
  if (v >= -32768n && v <= 32767n) return 4;
  if (v >= -8388608n && v <= 8388607n) return 5;
  if (v >= -2147483648n && v <= 2147483647n) return 6;
  return 10;
}

/** One string element: listpack stores a string that reads as an int64 (lpStringToInt64) as an integer. */
export function elementBytes(b: Buffer): number {
  const asInt = stringToInt64(b);
  if (asInt !== null) return intElementBytes(asInt);
  const len = b.length;
  const entry = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
  const backlen = entry < 128 ? 1 : entry < 16384 ? 2 : entry < 2097152 ? 3 : entry < 268435456 ? 4 : 5;
  return entry + backlen;
}

const names = (fields: readonly Buffer[]): Buffer[] => fields.filter((_, i) => i % 2 === 0);

/** Whether an entry's field names are the node's master fields (STREAM_ITEM_FLAG_SAMEFIELDS). */
export function sameFields(fields: readonly Buffer[], master: readonly Buffer[]): boolean {
  const own = names(fields);
  return own.length === master.length && own.every((f, i) => f.equals(master[i]!));
}

/** A new node's listpack with its master entry (count 1, deleted 0, the field names, terminator 0). */
export function newNodeBytes(fields: readonly Buffer[]): number {
  const master = names(fields);
  let n = LP_EMPTY_BYTES + SMALL_INT_BYTES * 3 + intElementBytes(BigInt(master.length));
  for (const f of master) n += elementBytes(f);
  return n;
}

/** The bytes one entry adds to a node whose master entry has `masterId` and `masterFields`. */
export function entryBytes(id: StreamId, fields: readonly Buffer[], masterId: StreamId, masterFields: readonly Buffer[]): number {
  const pairs = fields.length / 2;
  const same = sameFields(fields, masterFields);
  let n = SMALL_INT_BYTES;
  n += intElementBytes(BigInt.asIntN(64, id.ms - masterId.ms));
  n += intElementBytes(BigInt.asIntN(64, id.seq - masterId.seq));
  if (!same) n += intElementBytes(BigInt(pairs));
  fields.forEach((f, i) => {
    if (!same || i % 2 === 1) n += elementBytes(f);
  });
  const lpCount = 3 + pairs + (same ? 0 : pairs + 1);
  return n + intElementBytes(BigInt(lpCount));
}

/** What Redis compares with stream-node-max-bytes besides the tail's size: the entry's raw lengths. */
export function rawEntryLength(fields: readonly Buffer[]): number {
  let n = 0;
  for (const f of fields) n += f.length;
  return n;
}
