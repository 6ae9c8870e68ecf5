// SORT and SORT_RO (Redis sort.c, redis-server 7.0.15): sort the elements of a list, set or
// sorted set numerically or (ALPHA) as strings, by the elements themselves or by values looked up
// through a BY pattern, then reply them, or the values of GET patterns, or STORE them as a list.
//
// SORT is a write command (it may STORE), so it runs inside apply on every replica; SORT_RO is a
// read. BY and GET patterns name keys that are not among the declared ones: they are read through
// the same keyspace view (inside apply: the batch overlay first, then RocksDB).
//
// Orders where Redis's result depends on its own memory layout: a set's elements are loaded in the
// order pikiraft lists the set (SMEMBERS order), a sorted set's in score order, and the sort is
// stable, so equal ALPHA BY keys keep that order (Redis's qsort leaves it unspecified).
//
// Redis converts a listpack sorted set to a skiplist whenever it sorts one (OBJECT ENCODING
// changes). SORT does the same inside apply; SORT_RO, a read, cannot write and leaves it.
import { array, bulk, int, NULL, type Reply } from '../resp/reply.js';
import { KeyType } from '../state-machine/encoding.js';
import { readStringValue } from '../state-machine/types/string-fragments.js';
import type { Keyspace } from '../state-machine/keyspace.js';
import { WRONGTYPE } from '../state-machine/types/collection.js';
import { openHash } from '../state-machine/types/hash.js';
import { openList, openListForWrite } from '../state-machine/types/list.js';
import { inRedisOrder, openSet, readMembers, setEncoding } from '../state-machine/types/set.js';
import { convertToSkiplist, openZSet, openZSetForWrite, zsetEncoding } from '../state-machine/types/zset.js';
import { eqIgnoreCase, parseInt64 } from './args.js';
import type { ReadContext, WriteContext } from './context.js';
import { E } from './errors.js';
import { fail, isParseError, readCommand, writeCommand, type Command, type KeyRange, type ParseResult } from './table.js';

const K1: KeyRange = { first: 1, last: 1, step: 1 };

interface SortArgs {
  key: Buffer;
  desc: boolean;
  alpha: boolean;
  limitStart: bigint;
  limitCount: bigint;
  /** BY pattern; null: sort by the elements. */
  by: Buffer | null;
  /** BY with a pattern without `*`: no sorting at all. */
  dontSort: boolean;
  gets: Buffer[];
  store: Buffer | null;
}

/** sortCommandGeneric's option loop: options in any order, the last of each kind wins. */
function parseSort(argv: readonly Buffer[], readonly: boolean): ParseResult<SortArgs> {
  const a: SortArgs = { key: argv[1]!, desc: false, alpha: false, limitStart: 0n, limitCount: -1n, by: null, dontSort: false, gets: [], store: null };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j]!;
    if (eqIgnoreCase(opt, 'asc')) a.desc = false;
    else if (eqIgnoreCase(opt, 'desc')) a.desc = true;
    else if (eqIgnoreCase(opt, 'alpha')) a.alpha = true;
    else if (eqIgnoreCase(opt, 'limit') && left >= 2) {
      const start = parseInt64(argv[j + 1]!);
      if (start === null) return fail(E.notInteger);
      const count = parseInt64(argv[j + 2]!);
      if (count === null) return fail(E.notInteger);
      a.limitStart = start;
      a.limitCount = count;
      j += 2;
    } else if (!readonly && eqIgnoreCase(opt, 'store') && left >= 1) {
      a.store = argv[++j]!;
    } else if (eqIgnoreCase(opt, 'by') && left >= 1) {
      a.by = argv[++j]!;
      // A BY pattern without '*' is constant: nothing to sort by, nothing to look up.
      a.dontSort = cString(a.by).indexOf(STAR) === -1;
    } else if (eqIgnoreCase(opt, 'get') && left >= 1) {
      a.gets.push(argv[++j]!);
    } else return fail(E.syntax);
  }
  return a;
}

const STAR = 0x2a;
const ARROW = Buffer.from('->');

/** The bytes before the first NUL: what C string functions (strchr, strstr, strcoll, strtod) see. */
function cString(b: Buffer): Buffer {
  const nul = b.indexOf(0);
  return nul === -1 ? b : b.subarray(0, nul);
}

/**
 * lookupKeyByPattern: `#` is the element itself; otherwise the first `*` is replaced by the
 * element and the key's string value is returned, or with `->field` (after the `*`) the field of
 * the hash at that key. Null when there is no `*`, no such key, or the key has another type.
 */
async function lookupByPattern(ks: Keyspace, db: number, pattern: Buffer, subst: Buffer): Promise<Buffer | null> {
  const c = cString(pattern);
  if (c.length === 1 && c[0] === 0x23) return subst;
  const star = c.indexOf(STAR);
  if (star === -1) return null;
  const arrow = c.indexOf(ARROW, star + 1);
  // "->" at the very end is part of the key name, not a field dereference.
  const field = arrow !== -1 && arrow + 2 < c.length ? pattern.subarray(arrow + 2) : null;
  const keyEnd = field === null ? pattern.length : arrow;
  const key = Buffer.concat([pattern.subarray(0, star), subst, pattern.subarray(star + 1, keyEnd)]);
  const meta = await ks.meta(db, key);
  if (meta === null) return null;
  if (field === null) return meta.type === KeyType.String ? readStringValue(ks, db, key, meta) : null;
  if (meta.type !== KeyType.Hash) return null;
  const h = await openHash(ks, db, key);
  if (h === null || h === WRONGTYPE) return null;
  return h.get(field);
}

/** C's isspace in the "C" locale. */
const isCSpace = (ch: number): boolean => ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * sortCommand's score conversion: strtod over the C string must consume all of it, without
 * ERANGE (overflow, or underflow of a non-zero value) and without NaN. Leading white space is
 * skipped and an empty string is 0, as strtod does; hex floats and "inf" are accepted.
 */
export function sortScore(b: Buffer): number | null {
  let s = cString(b).toString('latin1');
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  s = s.slice(i);
  if (s.length === 0) return 0;
  if (INFINITY.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  let v: number;
  let nonZero: boolean;
  const hex = HEX.exec(s);
  if (hex) {
    const [, sign, int = '', frac = '', exp = '0'] = hex;
    if (int.length + frac.length === 0) return null;
    const mantissa = BigInt(`0x${int}${frac}`);
    nonZero = mantissa !== 0n;
    v = ldexp(Number(mantissa), Number(exp) - 4 * frac.length);
    if (sign === '-') v = -v;
  } else if (DECIMAL.test(s)) {
    v = Number(s);
    nonZero = /[1-9]/.test(s.split(/[eE]/)[0]!);
  } else return null;
  if (!Number.isFinite(v)) return null;
  if (nonZero && Math.abs(v) < MIN_NORMAL) return null;
  return v;
}

/** x * 2^e without overflowing the power of two on the way (C's ldexp, up to double rounding in subnormals). */
function ldexp(x: number, e: number): number {
  let v = x;
  let n = e;
  while (n > 512 && Number.isFinite(v)) {
    v *= 2 ** 512;
    n -= 512;
  }
  while (n < -512 && v !== 0) {
    v *= 2 ** -512;
    n += 512;
  }
  return v * 2 ** n;
}

/** Byte-wise comparison (compareStringObjects). */
const compareBytes = (a: Buffer, b: Buffer): number => Buffer.compare(a, b);
/** strcoll in the C locale: the C strings compared byte-wise (collateStringObjects). */
const compareCStrings = (a: Buffer, b: Buffer): number => Buffer.compare(cString(a), cString(b));

interface SortItem {
  readonly element: Buffer;
  score: number;
  /** ALPHA with BY: the value looked up, null when there is none. */
  cmp: Buffer | null;
}

/** The elements to sort, or (dontSort on a list or sorted set) the selected range already in order. */
interface Loaded {
  items: SortItem[];
  /** Output range within items, inclusive (end < start: nothing). */
  start: number;
  end: number;
}

const item = (element: Buffer): SortItem => ({ element, score: 0, cmp: null });

/**
 * sortCommandGeneric after parsing: the sorted elements (and LIMIT range), or an error.
 * `convertZSet` runs on a sorted set source (SORT turns a listpack into a skiplist, as Redis does).
 */
async function sortElements(
  ks: Keyspace,
  db: number,
  a: SortArgs,
  convertZSet: (() => Promise<void>) | null,
): Promise<ParseResult<Loaded>> {
  const meta = await ks.meta(db, a.key);
  if (meta !== null && meta.type !== KeyType.Set && meta.type !== KeyType.List && meta.type !== KeyType.ZSet) return fail(E.wrongType);
  const type = meta === null ? KeyType.List : meta.type;
  let { dontSort, alpha, by } = a;
  // A set's native order is not stable across replicas: sorted ALPHA when stored (or in scripts).
  if (dontSort && type === KeyType.Set && a.store !== null) {
    dontSort = false;
    alpha = true;
    by = null;
  }
  if (type === KeyType.ZSet && meta !== null && zsetEncoding(meta) === 'listpack' && convertZSet) await convertZSet();

  const len = meta === null ? 0 : meta.count;
  const lenN = BigInt(len);
  const min = (x: bigint, y: bigint): bigint => (x < y ? x : y);
  const max = (x: bigint, y: bigint): bigint => (x > y ? x : y);
  let start = Number(min(max(a.limitStart, 0n), lenN));
  const count = Number(min(max(a.limitCount, -1n), lenN));
  let end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  let items: SortItem[] = [];
  if (dontSort && (type === KeyType.List || type === KeyType.ZSet)) {
    // Native order (reversed by DESC), only the LIMIT range loaded.
    const n = end - start + 1;
    if (n > 0 && meta !== null) {
      if (type === KeyType.List) {
        const l = await openList(ks, db, a.key);
        if (l === null || l === WRONGTYPE) return fail(E.wrongType);
        const elements = a.desc ? (await l.range(len - start - n, n)).reverse() : await l.range(start, n);
        items = elements.map(item);
      } else {
        const z = await openZSet(ks, db, a.key);
        if (z === null || z === WRONGTYPE) return fail(E.wrongType);
        for await (const e of z.fromRank(start, a.desc, n)) items.push(item(e.member));
      }
    }
    return { items, start: 0, end: n - 1 };
  }
  if (meta !== null) {
    if (type === KeyType.List) {
      const l = await openList(ks, db, a.key);
      if (l === null || l === WRONGTYPE) return fail(E.wrongType);
      items = (await l.range(0, l.length)).map(item);
    } else if (type === KeyType.Set) {
      const s = await openSet(ks, db, a.key);
      if (s === null || s === WRONGTYPE) return fail(E.wrongType);
      items = inRedisOrder(await readMembers(s), setEncoding(s.meta)).map(item);
    } else {
      const z = await openZSet(ks, db, a.key);
      if (z === null || z === WRONGTYPE) return fail(E.wrongType);
      for await (const e of z.walk()) items.push(item(e.member));
    }
  }
  if (dontSort) return { items, start, end };

  let conversionError = false;
  const byValues = by === null ? null : await Promise.all(items.map((it) => lookupByPattern(ks, db, by, it.element)));
  items.forEach((it, j) => {
    const value = byValues === null ? it.element : byValues[j]!;
    if (value === null) return;
    if (alpha) {
      if (byValues !== null) it.cmp = value;
      return;
    }
    const score = sortScore(value);
    if (score === null) conversionError = true;
    else it.score = score;
  });
  if (conversionError) return fail(E.sortScoresNotDouble);

  const stored = a.store !== null;
  const compare = (x: SortItem, y: SortItem): number => {
    let cmp: number;
    if (!alpha) {
      cmp = x.score > y.score ? 1 : x.score < y.score ? -1 : compareBytes(x.element, y.element);
    } else if (byValues !== null) {
      if (x.cmp === null || y.cmp === null) cmp = x.cmp === y.cmp ? 0 : x.cmp === null ? -1 : 1;
      else cmp = stored ? compareBytes(x.cmp, y.cmp) : compareCStrings(x.cmp, y.cmp);
    } else {
      cmp = stored ? compareBytes(x.element, y.element) : compareCStrings(x.element, y.element);
    }
    return a.desc ? -cmp : cmp;
  };
  // Redis sorts a BY pattern's LIMIT range with its partial quicksort, everything else with
  // glibc's qsort (a merge sort: stable). Ties (equal ALPHA BY values) land where each leaves them.
  if (byValues !== null && (start !== 0 || end !== items.length - 1)) pqsort(items, compare, start, end);
  else items.sort(compare);
  return { items, start, end };
}

/**
 * Redis's pqsort.c (NetBSD's qsort, Bentley & McIlroy, modified to sort only what overlaps the
 * element range [lrange, rrange]), step for step so that ties end up where Redis puts them.
 * Redis's copy has no switch to insertion sort after a partition without swaps (NetBSD's
 * swap_cnt): redis-server 7.0.15 places ties of SORT BY ... LIMIT and GEOSEARCH ... COUNT as
 * this does. Exported for geo.ts.
 */
export function pqsort<T>(v: T[], cmp: (x: T, y: T) => number, lrange: number, rrange: number): void {
  const swap = (i: number, j: number): void => {
    const t = v[i]!;
    v[i] = v[j]!;
    v[j] = t;
  };
  const vecswap = (i: number, j: number, n: number): void => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const c = (i: number, j: number): number => cmp(v[i]!, v[j]!);
  const med3 = (a: number, b: number, d: number): number =>
    c(a, b) < 0 ? (c(b, d) < 0 ? b : c(a, d) < 0 ? d : a) : c(b, d) > 0 ? b : c(a, d) < 0 ? a : d;
  const insertionSort = (base: number, n: number): void => {
    for (let pm = base + 1; pm < base + n; pm++) for (let pl = pm; pl > base && c(pl - 1, pl) > 0; pl--) swap(pl, pl - 1);
  };
  /** Whether elements [l, l + r) are wholly outside [lrange, rrange]. */
  const outside = (l: number, r: number): boolean => (lrange < l && rrange < l) || (lrange >= l + r && rrange >= l + r);
  const sort = (first: number, count: number): void => {
    let base = first;
    let n = count;
    for (;;) {
      if (n < 7) {
        insertionSort(base, n);
        return;
      }
      let pm = base + Math.floor(n / 2);
      if (n > 7) {
        let pl = base;
        let pn = base + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(base, pm);
      let pa = base + 1;
      let pb = pa;
      let pc = base + n - 1;
      let pd = pc;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = c(pb, base)) <= 0) {
          if (r === 0) swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (r = c(pc, base)) >= 0) {
          if (r === 0) swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        swap(pb++, pc--);
      }
      const pn = base + n;
      let r = Math.min(pa - base, pb - pa);
      vecswap(base, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      if ((r = pb - pa) > 1 && !outside(base, r)) sort(base, r);
      if ((r = pd - pc) > 1) {
        base = pn - r;
        n = r;
        if (!outside(base, n)) continue;
      }
      return;
    }
  };
  sort(0, v.length);
}

/** The output: each element, or for each element the value of every GET pattern (null when none). */
async function output(ks: Keyspace, db: number, a: SortArgs, loaded: Loaded): Promise<(Buffer | null)[]> {
  const selected = loaded.end >= loaded.start ? loaded.items.slice(loaded.start, loaded.end + 1) : [];
  if (a.gets.length === 0) return selected.map((it) => it.element);
  const out: (Buffer | null)[] = [];
  for (const it of selected) {
    const values = await Promise.all(a.gets.map((p) => lookupByPattern(ks, db, p, it.element)));
    out.push(...values);
  }
  return out;
}

const reply = (values: readonly (Buffer | null)[]): Reply => array(values.map((v) => (v === null ? NULL : bulk(v))));

async function sortRead(ctx: ReadContext, a: SortArgs): Promise<Reply> {
  const loaded = await sortElements(ctx.ks, ctx.db, a, null);
  if (isParseError(loaded)) return loaded.error;
  return reply(await output(ctx.ks, ctx.db, a, loaded));
}

async function sortWrite(ctx: WriteContext, a: SortArgs): Promise<Reply> {
  const convert = async (): Promise<void> => {
    const w = await openZSetForWrite(ctx.ks, ctx.db, a.key, false);
    if (w === null || w === WRONGTYPE) return;
    convertToSkiplist(w);
    await w.commit();
  };
  const loaded = await sortElements(ctx.ks, ctx.db, a, convert);
  if (isParseError(loaded)) return loaded.error;
  const values = await output(ctx.ks, ctx.db, a, loaded);
  if (a.store === null) return reply(values);
  // setKey replaces whatever the destination held (type and expiry); an empty result deletes it.
  await ctx.ks.deleteKey(ctx.db, a.store);
  if (values.length > 0) {
    const w = await openListForWrite(ctx.ks, ctx.db, a.store, true);
    if (w === WRONGTYPE) return E.wrongType;
    // A missing GET value is stored as an empty string.
    w.push('right', values.map((v) => v ?? Buffer.alloc(0)));
    await w.commit();
  }
  return int(values.length);
}

const acl = ['@set', '@sortedset', '@list', '@dangerous'];
const complexity =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

export const sortCommands: Command[] = [
  writeCommand(
    'sort',
    {
      arity: -2,
      flags: ['write', 'denyoom'],
      keys: K1,
      acl,
      docs: { summary: 'Sort the elements in a list, set or sorted set', since: '1.0.0', group: 'generic', complexity },
    },
    (argv) => parseSort(argv, false),
    sortWrite,
  ),
  readCommand(
    'sort_ro',
    {
      arity: -2,
      flags: ['readonly'],
      keys: K1,
      acl,
      docs: { summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.', since: '7.0.0', group: 'generic', complexity },
    },
    (argv) => parseSort(argv, true),
    sortRead,
  ),
];
