// HSCAN, SSCAN and ZSCAN (Redis db.c scanGenericCommand on a key): the cursor, the MATCH/COUNT
// options and the paging shared by the collection types. Each type supplies how it is opened,
// when it is small enough to be returned whole, and what one element adds to the reply.
import { array, bulk, EMPTY_ARRAY, type Reply } from '../resp/reply.js';
import type { ReadContext } from './context.js';
import { WRONGTYPE, type Wrongtype } from '../state-machine/types/collection.js';
import { globMatch } from '../util/glob.js';
import { eqIgnoreCase, parseInt64 } from './args.js';
import { E } from './errors.js';
import { fail, type ParseResult } from './table.js';

const ULONG_MAX = 18446744073709551615n;

/**
 * parseScanCursorOrReply: strtoul(…, 10) over the whole argument, refusing a leading space,
 * trailing bytes and overflow. Like strtoul it takes an optional sign (a negative cursor wraps
 * modulo 2^64) and reads the empty string as 0.
 */
export function parseScanCursor(arg: Buffer): bigint | null {
  const s = arg.toString('latin1');
  if (s.length === 0) return 0n;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (!m) return null;
  const v = BigInt(m[2]!);
  if (v > ULONG_MAX) return null;
  return m[1] === '-' && v !== 0n ? ULONG_MAX + 1n - v : v;
}

export interface ScanArgs {
  key: Buffer;
  cursor: bigint;
  argv: readonly Buffer[];
}

/** `XSCAN key cursor [options]`: the cursor is checked before the key; the options only once the key is known to be of the type. */
export function parseScanArgs(argv: readonly Buffer[]): ParseResult<ScanArgs> {
  const cursor = parseScanCursor(argv[2]!);
  return cursor === null ? fail(E.invalidCursor) : { key: argv[1]!, cursor, argv };
}

interface ScanOptions {
  count: number;
  match: Buffer | null;
}

/** scanGenericCommand's option loop (the key exists and has the right type by then, so TYPE is a syntax error). */
function parseScanOptions(argv: readonly Buffer[]): ScanOptions | { error: Reply } {
  const o: ScanOptions = { count: 10, match: null };
  for (let i = 3; i < argv.length; i += 2) {
    const left = argv.length - i;
    if (eqIgnoreCase(argv[i]!, 'count') && left >= 2) {
      const n = parseInt64(argv[i + 1]!);
      if (n === null) return fail(E.notInteger);
      if (n < 1n) return fail(E.syntax);
      // Past any collection's size a larger count changes nothing; a JS number holds it exactly.
      o.count = n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
    } else if (eqIgnoreCase(argv[i]!, 'match') && left >= 2) {
      const p = argv[i + 1]!;
      // "*" matches everything: Redis skips matching for it.
      o.match = p.length === 1 && p[0] === 0x2a ? null : p;
    } else return fail(E.syntax);
  }
  return o;
}

const EMPTY_SCAN = array([bulk('0'), EMPTY_ARRAY]);

/** What a collection type supplies to scanCollection; `C` is its open view, `T` one element. */
export interface CollectionScan<C extends { count: number }, T> {
  open(ctx: ReadContext, key: Buffer): Promise<C | null | Wrongtype>;
  /**
   * All elements when the collection is compact enough to be returned whole in one call with
   * cursor 0, whatever the cursor and COUNT, as redis-server does for compact encodings; null
   * for a collection that is paged.
   */
  whole(c: C): AsyncIterable<T> | null;
  /** Up to `limit` elements in byte order of name, starting after `after` (from the start if null). */
  page(c: C, after: Buffer | null, limit: number): AsyncIterable<T>;
  /** The element's name: what MATCH is tested against and what a cursor remembers. */
  name(e: T): Buffer;
  /** Appends the reply items of an element that matched. */
  emit(e: T, items: Reply[]): void;
}

export async function scanCollection<C extends { count: number }, T>(ctx: ReadContext, a: ScanArgs, spec: CollectionScan<C, T>): Promise<Reply> {
  // A missing key answers an empty scan before the options are even looked at, as in Redis.
  const c = await spec.open(ctx, a.key);
  if (c === null) return EMPTY_SCAN;
  if (c === WRONGTYPE) return E.wrongType;
  const opts = parseScanOptions(a.argv);
  if ('error' in opts) return opts.error;
  const items: Reply[] = [];
  const keep = (e: T): void => {
    if (opts.match === null || globMatch(opts.match, spec.name(e))) spec.emit(e, items);
  };
  const whole = spec.whole(c);
  if (whole !== null) {
    for await (const e of whole) keep(e);
    return array([bulk('0'), array(items)]);
  }
  // Larger ones page through elements in byte order; the cursor id remembers the last element
  // returned (server/scan-cursors.ts), so elements added or removed meanwhile never make a scan
  // skip one that stayed. An unknown cursor starts over, which SCAN's contract allows.
  const after = a.cursor === 0n ? null : ctx.scanCursors.resolve(a.cursor);
  let last: Buffer | null = null;
  let examined = 0;
  // One element past the page tells whether the scan is over; a COUNT above the collection's
  // size changes nothing, so the iterator limit stays small.
  for await (const e of spec.page(c, after, Math.min(opts.count, c.count) + 1)) {
    if (examined === opts.count) {
      // There is at least one more element: hand out a cursor for it.
      return array([bulk(ctx.scanCursors.register(last!).toString()), array(items)]);
    }
    keep(e);
    last = spec.name(e);
    examined++;
  }
  return array([bulk('0'), array(items)]);
}
