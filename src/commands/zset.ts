// Sorted set commands (Redis t_zset.c): argument parsing and replies; storage in
// state-machine/types/zset.ts (member -> score records plus an ordered score index).
//
// Order: every range is answered in (score, member bytes) order, as Redis's skiplist and listpack
// keep it. Ranges by lex on a sorted set whose scores differ are walked like Redis walks a
// listpack (from the low or high end, starting at the first element in range), which is what
// redis-server answers for sets of up to 128 members; for a larger skiplist its answer depends on
// the skiplist's random levels. ZSCAN of a skiplist-sized set pages by member byte order.
import { double as dbl, array, bulk, EMPTY_ARRAY, int, NULL, NULL_ARRAY, pairs, ZERO, type Reply } from '../resp/reply.js';
import { formatDouble, type LongDouble } from '../resp/double.js';
import { KeyType } from '../state-machine/encoding.js';
import type { Keyspace } from '../state-machine/keyspace.js';
import { openCollection, WRONGTYPE } from '../state-machine/types/collection.js';
import {
  openZSet,
  openZSetForWrite,
  replaceZSet,
  scoreBounds,
  scoreKey,
  zsetEncoding,
  type IndexBound,
  type ZEntry,
  type ZSetView,
  type ZSetWriter,
} from '../state-machine/types/zset.js';
import type { Rng } from '../util/rng.js';
import { eqIgnoreCase, INT64_MAX, parseInt64, parseLongDouble } from './args.js';
import type { ReadContext, WriteContext } from './context.js';
import { parseScanArgs, scanCollection, type CollectionScan } from './collection-scan.js';
import { E } from './errors.js';
import { fail, readCommand, writeCommand, type Command, type CommandFlag, type KeyRange, type ParseResult } from './table.js';

const K1 = { first: 1, last: 1, step: 1 };
const K12 = { first: 1, last: 2, step: 1 };
const docs = (summary: string, since: string, complexity: string) => ({ summary, since, group: 'sorted-set', complexity });
const meta = (arity: number, flags: readonly CommandFlag[], keys: KeyRange | null, summary: string, since: string, complexity = 'O(1)') => ({
  arity,
  flags,
  keys,
  // @read/@write/@fast/@slow follow from the flags (table.ts withImplicitCategories).
  acl: ['@sortedset'],
  docs: docs(summary, since, complexity),
});

/**
 * A negative ZRANDMEMBER count may repeat members, so the reply is not bounded by the set.
 * redis-server builds it whatever its size; pikiraft refuses larger counts, as HRANDFIELD does.
 */
const RANDOM_REPEATED_COUNT_MAX = 1_000_000;
const WITHSCORES_COUNT_ABS_MAX = INT64_MAX / 2n;

// ---- argument parsing --------------------------------------------------------------------------

const HEX_FLOAT = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?[0-9]+))?$/i;
const DEC_FLOAT = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/i;
const INF = /^[+-]?inf(inity)?$/i;
const NAN = /^[+-]?nan(\([0-9a-z_]*\))?$/i;

/**
 * glibc strtod over a whole text (the caller has dealt with leading whitespace): the value and
 * whether strtod reports ERANGE (overflow, or underflow to zero). null when strtod would stop
 * before the end of the text.
 */
function strtodWhole(s: string): { value: number; erange: boolean } | null {
  if (INF.test(s)) return { value: s.startsWith('-') ? -Infinity : Infinity, erange: false };
  if (NAN.test(s)) return { value: NaN, erange: false };
  if (DEC_FLOAT.test(s)) {
    const value = Number(s);
    const nonzeroDigits = /[1-9]/.test(s.replace(/e.*$/i, ''));
    return { value, erange: !Number.isFinite(value) || (value === 0 && nonzeroDigits) };
  }
  const hex = HEX_FLOAT.exec(s);
  if (hex && (hex[2]! + (hex[3] ?? '')).length > 0) {
    // Hex floats are exact in binary: long double parsing then rounding to double is exact
    // for up to 53 significant bits, which covers every hex float a client sends in practice.
    const ld: LongDouble | null = parseLongDouble(s);
    if (ld === null) {
      const zero = !/[1-9a-f]/i.test(hex[2]! + (hex[3] ?? ''));
      return zero ? { value: hex[1] === '-' ? -0 : 0, erange: false } : { value: 0, erange: true };
    }
    if (ld.kind === 'inf') return { value: ld.neg ? -Infinity : Infinity, erange: true };
    let value = Number(ld.mant);
    let e = ld.exp;
    while (e > 0) {
      const step = Math.min(e, 1000);
      value *= 2 ** step;
      e -= step;
    }
    while (e < 0) {
      const step = Math.min(-e, 1000);
      value /= 2 ** step;
      e += step;
    }
    if (ld.neg) value = -value;
    return { value, erange: !Number.isFinite(value) || value === 0 };
  }
  return null;
}

const isSpace = (c: number | undefined): boolean => c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d);

/** getDoubleFromObject: strtod over the whole argument, no leading space, no ERANGE, no NaN. */
export function parseScore(arg: Buffer): number | null {
  if (arg.length === 0 || isSpace(arg[0])) return null;
  const r = strtodWhole(arg.toString('latin1'));
  if (r === null || r.erange || Number.isNaN(r.value)) return null;
  return r.value;
}

interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minex: boolean;
  readonly maxex: boolean;
}

/** zslParseRange's item: "(" for exclusive, then strtod (leading space and "" allowed, ERANGE not checked). */
function parseRangeItem(arg: Buffer): { v: number; ex: boolean } | null {
  const ex = arg.length > 0 && arg[0] === 0x28;
  let s = arg.toString('latin1', ex ? 1 : 0);
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  s = s.slice(i);
  if (s.length === 0) return i === 0 ? { v: 0, ex } : null;
  const r = strtodWhole(s);
  if (r === null || Number.isNaN(r.value)) return null;
  return { v: r.value, ex };
}

function parseScoreRange(minArg: Buffer, maxArg: Buffer): ScoreRange | null {
  const min = parseRangeItem(minArg);
  const max = parseRangeItem(maxArg);
  if (min === null || max === null) return null;
  return { min: min.v, minex: min.ex, max: max.v, maxex: max.ex };
}

/** A lex bound: a member, or the "-" / "+" ends. */
type LexItem = { readonly kind: 'min' } | { readonly kind: 'max' } | { readonly kind: 'member'; readonly b: Buffer };
interface LexRange {
  readonly min: LexItem;
  readonly max: LexItem;
  readonly minex: boolean;
  readonly maxex: boolean;
}

function parseLexItem(arg: Buffer): { item: LexItem; ex: boolean } | null {
  const c = arg[0];
  if (c === 0x2b) return arg.length === 1 ? { item: { kind: 'max' }, ex: false } : null;
  if (c === 0x2d) return arg.length === 1 ? { item: { kind: 'min' }, ex: false } : null;
  if (c === 0x28) return { item: { kind: 'member', b: arg.subarray(1) }, ex: true };
  if (c === 0x5b) return { item: { kind: 'member', b: arg.subarray(1) }, ex: false };
  return null;
}

function parseLexRange(minArg: Buffer, maxArg: Buffer): LexRange | null {
  const min = parseLexItem(minArg);
  const max = parseLexItem(maxArg);
  if (min === null || max === null) return null;
  return { min: min.item, minex: min.ex, max: max.item, maxex: max.ex };
}

/** sdscmplex: "-" is below and "+" above every member. */
function cmpLex(a: LexItem, b: LexItem): number {
  if (a.kind === b.kind && a.kind !== 'member') return 0;
  if (a.kind === 'min' || b.kind === 'max') return -1;
  if (a.kind === 'max' || b.kind === 'min') return 1;
  return Buffer.compare(a.b, (b as { b: Buffer }).b);
}

const asItem = (b: Buffer): LexItem => ({ kind: 'member', b });
const gteMin = (m: Buffer, r: LexRange): boolean => (r.minex ? cmpLex(asItem(m), r.min) > 0 : cmpLex(asItem(m), r.min) >= 0);
const lteMax = (m: Buffer, r: LexRange): boolean => (r.maxex ? cmpLex(asItem(m), r.max) < 0 : cmpLex(asItem(m), r.max) <= 0);

/** getLongFromObjectOrReply (a 64-bit long). */
const parseLong = (arg: Buffer): bigint | null => parseInt64(arg);

// ---- walking ranges ----------------------------------------------------------------------------

const isEmptyRange = (r: ScoreRange): boolean => r.min > r.max || (r.min === r.max && (r.minex || r.maxex));

/** Elements whose score is in range, ascending (or descending with `reverse`). */
function walkScores(z: ZSetView, r: ScoreRange, reverse: boolean): AsyncGenerator<ZEntry> | null {
  if (isEmptyRange(r)) return null;
  const { lower, upper } = scoreBounds(r.min, r.minex, r.max, r.maxex);
  return z.walk({ lower, upper, reverse });
}

async function firstEntry(z: ZSetView, reverse: boolean): Promise<ZEntry | null> {
  for await (const e of z.walk({ reverse, limit: 1 })) return e;
  return null;
}

/**
 * Elements in a lex range, as zzlFirstInLexRange / zzlLastInLexRange walk a listpack: from the
 * low (high) end to the first element in range, then on while in range. When every score is the
 * same (the case lex ranges are meant for) the index is in member order and the walk seeks.
 */
async function* walkLex(z: ZSetView, r: LexRange, reverse: boolean): AsyncGenerator<ZEntry> {
  const c = cmpLex(r.min, r.max);
  if (c > 0 || (c === 0 && (r.minex || r.maxex))) return;
  const first = await firstEntry(z, false);
  const last = await firstEntry(z, true);
  if (first === null || last === null) return;
  if (!gteMin(last.member, r) || !lteMax(first.member, r)) return;
  const sk = scoreKey(first.score);
  if (sk.equals(scoreKey(last.score))) {
    // Every element has this score: "-" and "+" are the bounds of the score itself.
    const whole = scoreBounds(first.score, false, first.score, false);
    const lower: IndexBound = r.min.kind === 'member' ? { key: Buffer.concat([sk, r.min.b]), exclusive: r.minex } : whole.lower;
    const upper: IndexBound = r.max.kind === 'member' ? { key: Buffer.concat([sk, r.max.b]), exclusive: r.maxex } : whole.upper;
    yield* z.walk({ lower, upper, reverse });
    return;
  }
  let started = false;
  for await (const e of z.walk({ reverse })) {
    if (!started) {
      if (!(reverse ? lteMax(e.member, r) : gteMin(e.member, r))) continue;
      started = true;
    }
    if (!(reverse ? gteMin(e.member, r) : lteMax(e.member, r))) return;
    yield e;
  }
}

/** Applies LIMIT offset count: a negative offset yields nothing, a negative count means all. */
async function takeLimit(gen: AsyncIterable<ZEntry> | null, offset: bigint, limit: bigint): Promise<ZEntry[]> {
  const out: ZEntry[] = [];
  if (gen === null || offset < 0n || limit === 0n) return out;
  let skip = offset;
  for await (const e of gen) {
    if (skip > 0n) {
      skip--;
      continue;
    }
    out.push(e);
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

/** Redis's rank sanitizing (ZRANGE, ZREMRANGEBYRANK): null when the range is empty. */
function rankRange(start: bigint, end: bigint, len: number): { start: number; end: number } | null {
  const n = BigInt(len);
  if (start < 0n) start += n;
  if (end < 0n) end += n;
  if (start < 0n) start = 0n;
  if (start > end || start >= n) return null;
  if (end >= n) end = n - 1n;
  return { start: Number(start), end: Number(end) };
}

/** Elements at ranks start..end (ascending, or descending for `reverse`), walking from the nearer end. */
async function byRank(z: ZSetView, start: number, end: number, reverse: boolean): Promise<ZEntry[]> {
  const len = z.count;
  const n = end - start + 1;
  const out: ZEntry[] = [];
  if (start <= len - 1 - end) {
    for await (const e of z.fromRank(start, reverse, n)) out.push(e);
    return out;
  }
  for await (const e of z.fromRank(len - 1 - end, !reverse, n)) out.push(e);
  return out.reverse();
}

// ---- replies -----------------------------------------------------------------------------------

function rangeReply(entries: readonly ZEntry[], withScores: boolean): Reply {
  if (withScores) return pairs(entries.map((e) => [bulk(e.member), dbl(e.score)] as const));
  return array(entries.map((e) => bulk(e.member)));
}

// ---- ZADD / ZINCRBY ----------------------------------------------------------------------------

export interface ZaddArgs {
  key: Buffer;
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
  pairs: [number, Buffer][];
}

export function parseZadd(argv: readonly Buffer[], incrCommand: boolean): ParseResult<ZaddArgs> {
  const a: ZaddArgs = { key: argv[1]!, nx: false, xx: false, gt: false, lt: false, ch: false, incr: incrCommand, pairs: [] };
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = argv[i]!.toString('latin1').toLowerCase();
    if (opt === 'nx') a.nx = true;
    else if (opt === 'xx') a.xx = true;
    else if (opt === 'ch') a.ch = true;
    else if (opt === 'incr') a.incr = true;
    else if (opt === 'gt') a.gt = true;
    else if (opt === 'lt') a.lt = true;
    else break;
  }
  const elements = argv.length - i;
  if (elements % 2 !== 0 || elements === 0) return fail(E.syntax);
  if (a.nx && a.xx) return fail(E.zaddXxAndNx);
  if ((a.gt && a.nx) || (a.lt && a.nx) || (a.gt && a.lt)) return fail(E.gtLtNx);
  if (a.incr && elements > 2) return fail(E.zaddIncrSinglePair);
  for (; i < argv.length; i += 2) {
    const score = parseScore(argv[i]!);
    if (score === null) return fail(E.notFloat);
    a.pairs.push([score, argv[i + 1]!]);
  }
  return a;
}

export async function zadd(ctx: WriteContext, a: ZaddArgs): Promise<Reply> {
  const w = await openZSetForWrite(ctx.ks, ctx.db, a.key, !a.xx, a.pairs[0]![1].length);
  if (w === WRONGTYPE) return E.wrongType;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let newScore = 0;
  if (w !== null) {
    await w.prefetch(a.pairs.map(([, m]) => m));
    for (const [s, member] of a.pairs) {
      let score = s;
      const cur = await w.score(member);
      if (cur !== null) {
        if (a.nx) continue;
        if (a.incr) {
          score += cur;
          if (Number.isNaN(score)) {
            await w.commitZSet();
            return E.zscoreNaN;
          }
        }
        if ((a.lt && score >= cur) || (a.gt && score <= cur)) continue;
        newScore = score;
        processed++;
        if (score !== cur) {
          await w.setScore(member, score);
          updated++;
        }
      } else if (!a.xx) {
        await w.setScore(member, score);
        newScore = score;
        added++;
        processed++;
      }
    }
    await w.commitZSet();
  }
  if (a.incr) return processed > 0 ? dbl(newScore) : NULL;
  return int(a.ch ? added + updated : added);
}

// ---- ZRANGE family -----------------------------------------------------------------------------

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

interface RangeArgs {
  key: Buffer;
  type: 'rank' | 'score' | 'lex';
  reverse: boolean;
  withScores: boolean;
  offset: bigint;
  limit: bigint;
  start: bigint;
  end: bigint;
  score: ScoreRange | null;
  lex: LexRange | null;
}

/** zrangeGenericCommand's parsing: options, conflicts, then the range (argv[at] is the source key). */
function parseRange(argv: readonly Buffer[], at: number, store: boolean, type0: RangeType, dir0: Direction): ParseResult<RangeArgs> {
  let type = type0;
  let dir = dir0;
  let withScores = false;
  let offset = 0n;
  let limit = -1n;
  for (let j = at + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j]!;
    if (!store && eqIgnoreCase(opt, 'withscores')) withScores = true;
    else if (eqIgnoreCase(opt, 'limit') && left >= 2) {
      const o = parseLong(argv[j + 1]!);
      const l = o === null ? null : parseLong(argv[j + 2]!);
      if (o === null || l === null) return fail(E.notInteger);
      offset = o;
      limit = l;
      j += 2;
    } else if (dir === 'auto' && eqIgnoreCase(opt, 'rev')) dir = 'reverse';
    else if (type === 'auto' && eqIgnoreCase(opt, 'bylex')) type = 'lex';
    else if (type === 'auto' && eqIgnoreCase(opt, 'byscore')) type = 'score';
    else return fail(E.syntax);
  }
  const reverse = dir === 'reverse';
  const t = type === 'auto' ? 'rank' : type;
  if (limit !== -1n && t === 'rank') return fail(E.limitNeedsByscoreOrBylex);
  if (withScores && t === 'lex') return fail(E.withscoresWithBylex);
  let minIdx = at + 1;
  let maxIdx = at + 2;
  if (reverse && t !== 'rank') [minIdx, maxIdx] = [maxIdx, minIdx];
  const a: RangeArgs = { key: argv[at]!, type: t, reverse, withScores, offset, limit, start: 0n, end: 0n, score: null, lex: null };
  if (t === 'rank') {
    const s = parseLong(argv[minIdx]!);
    const e = s === null ? null : parseLong(argv[maxIdx]!);
    if (s === null || e === null) return fail(E.notInteger);
    a.start = s;
    a.end = e;
  } else if (t === 'score') {
    a.score = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
    if (a.score === null) return fail(E.minMaxNotFloat);
  } else {
    a.lex = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
    if (a.lex === null) return fail(E.minMaxNotLex);
  }
  return a;
}

async function rangeOf(z: ZSetView, a: RangeArgs): Promise<ZEntry[]> {
  if (a.type === 'rank') {
    const r = rankRange(a.start, a.end, z.count);
    return r === null ? [] : byRank(z, r.start, r.end, a.reverse);
  }
  if (a.type === 'score') return takeLimit(walkScores(z, a.score!, a.reverse), a.offset, a.limit);
  return takeLimit(walkLex(z, a.lex!, a.reverse), a.offset, a.limit);
}

function rangeCommand(name: string, type: RangeType, dir: Direction, summary: string, since: string, complexity: string): Command {
  return readCommand(
    name,
    meta(-4, ['readonly'], K1, summary, since, complexity),
    (argv) => parseRange(argv, 1, false, type, dir),
    async (ctx, a) => {
      const z = await openZSet(ctx.ks, ctx.db, a.key);
      if (z === null) return EMPTY_ARRAY;
      if (z === WRONGTYPE) return E.wrongType;
      return rangeReply(await rangeOf(z, a), a.withScores);
    },
  );
}

// ---- ZPOP / ZMPOP ------------------------------------------------------------------------------

async function popFrom(w: ZSetWriter, max: boolean, count: number): Promise<ZEntry[]> {
  const out: ZEntry[] = [];
  for await (const e of w.view().walk({ reverse: max, limit: count })) out.push(e);
  for (const e of out) await w.remove(e.member);
  await w.commitZSet();
  return out;
}

function zpopCommand(name: 'zpopmin' | 'zpopmax', summary: string): Command {
  return writeCommand(
    name,
    meta(-2, ['write', 'fast'], K1, summary, '5.0.0', 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.'),
    (argv): ParseResult<{ key: Buffer; count: bigint | null }> => {
      if (argv.length > 3) return fail(E.syntax);
      if (argv.length < 3) return { key: argv[1]!, count: null };
      // getPositiveLongFromObjectOrReply: any bad count gets the "must be positive" text.
      const n = parseInt64(argv[2]!);
      if (n === null || n < 0n) return fail(E.countNotPositive);
      return { key: argv[1]!, count: n };
    },
    async (ctx, { key, count }) => {
      const w = await openZSetForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return EMPTY_ARRAY;
      if (w === WRONGTYPE) return E.wrongType;
      if (count === 0n) return EMPTY_ARRAY;
      const n = count === null ? 1 : count > BigInt(w.count) ? w.count : Number(count);
      const popped = await popFrom(w, name === 'zpopmax', n);
      // RESP3 nests [member, score] pairs only when a count was given.
      if (count === null) return array(popped.flatMap((e) => [bulk(e.member), dbl(e.score)]));
      return rangeReply(popped, true);
    },
  );
}

interface ZmpopArgs {
  keys: Buffer[];
  max: boolean;
  count: bigint;
}

function parseZmpop(argv: readonly Buffer[]): ParseResult<ZmpopArgs> {
  const numkeys = parseInt64(argv[1]!);
  if (numkeys === null || numkeys < 1n) return fail(E.numkeysNotPositive);
  const whereIdx = 2n + numkeys;
  if (whereIdx >= BigInt(argv.length)) return fail(E.syntax);
  const wi = Number(whereIdx);
  let max: boolean;
  if (eqIgnoreCase(argv[wi]!, 'min')) max = false;
  else if (eqIgnoreCase(argv[wi]!, 'max')) max = true;
  else return fail(E.syntax);
  let count = -1n;
  for (let j = wi + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1n && eqIgnoreCase(argv[j]!, 'count') && more > 0) {
      j++;
      const n = parseInt64(argv[j]!);
      if (n === null || n < 1n) return fail(E.mpopCountNotPositive);
      count = n;
    } else return fail(E.syntax);
  }
  return { keys: argv.slice(2, wi), max, count: count === -1n ? 1n : count };
}

async function zmpop(ctx: WriteContext, a: ZmpopArgs): Promise<Reply> {
  for (const key of a.keys) {
    const w = await openZSetForWrite(ctx.ks, ctx.db, key, false);
    if (w === null) continue;
    if (w === WRONGTYPE) return E.wrongType;
    const n = a.count > BigInt(w.count) ? w.count : Number(a.count);
    const popped = await popFrom(w, a.max, n);
    return array([bulk(key), array(popped.map((e) => array([bulk(e.member), dbl(e.score)])))]);
  }
  return NULL_ARRAY;
}

// ---- ZREMRANGEBY* ------------------------------------------------------------------------------

function zremrangeCommand(name: string, type: 'rank' | 'score' | 'lex', summary: string, since: string): Command {
  return writeCommand(
    name,
    meta(4, ['write'], K1, summary, since, 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.'),
    (argv): ParseResult<RangeArgs> => {
      const base: RangeArgs = { key: argv[1]!, type, reverse: false, withScores: false, offset: 0n, limit: -1n, start: 0n, end: 0n, score: null, lex: null };
      if (type === 'rank') {
        const s = parseLong(argv[2]!);
        const e = s === null ? null : parseLong(argv[3]!);
        if (s === null || e === null) return fail(E.notInteger);
        return { ...base, start: s, end: e };
      }
      if (type === 'score') {
        const score = parseScoreRange(argv[2]!, argv[3]!);
        return score === null ? fail(E.minMaxNotFloat) : { ...base, score };
      }
      const lex = parseLexRange(argv[2]!, argv[3]!);
      return lex === null ? fail(E.minMaxNotLex) : { ...base, lex };
    },
    async (ctx, a) => {
      const w = await openZSetForWrite(ctx.ks, ctx.db, a.key, false);
      if (w === null) return ZERO;
      if (w === WRONGTYPE) return E.wrongType;
      const doomed = await rangeOf(w.view(), a);
      for (const e of doomed) await w.remove(e.member);
      await w.commitZSet();
      return int(doomed.length);
    },
  );
}

// ---- ZUNION / ZINTER / ZDIFF -------------------------------------------------------------------

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** An input of the set operations: a sorted set, or a plain set whose members score 1. */
interface Source {
  readonly size: number;
  entries(): AsyncIterable<ZEntry>;
  scores(members: readonly Buffer[]): Promise<(number | null)[]>;
}

async function openSource(ks: Keyspace, db: number, key: Buffer): Promise<Source | null | typeof WRONGTYPE> {
  const m = await ks.meta(db, key);
  if (m === null) return null;
  if (m.type === KeyType.ZSet) {
    const z = await openZSet(ks, db, key);
    if (z === null || z === WRONGTYPE) return z;
    return { size: z.count, entries: () => z.walk(), scores: (ms) => z.scores(ms) };
  }
  if (m.type === KeyType.Set) {
    const s = await openCollection(ks, db, key, KeyType.Set);
    if (s === null || s === WRONGTYPE) return s;
    return {
      size: s.count,
      entries: async function* () {
        for await (const e of s.entries()) yield { member: e.field, score: 1 };
      },
      scores: async (ms) => (await s.getMany(ms)).map((v) => (v === null ? null : 1)),
    };
  }
  return WRONGTYPE;
}

interface SetOpArgs {
  dst: Buffer | null;
  keys: Buffer[];
  /** The option arguments after the keys, parsed once the keys are known to be of the right types. */
  rest: Buffer[];
}

/** zunionInterDiffGenericCommand up to the key lookups: numkeys and the key count. */
function parseSetOp(argv: readonly Buffer[], numkeysIdx: number, fullName: string): ParseResult<SetOpArgs> {
  const n = parseInt64(argv[numkeysIdx]!);
  if (n === null) return fail(E.notInteger);
  if (n < 1n) return fail(E.atLeastOneInputKey(fullName));
  if (n > BigInt(argv.length - numkeysIdx - 1)) return fail(E.syntax);
  const end = numkeysIdx + 1 + Number(n);
  return { dst: numkeysIdx === 2 ? argv[1]! : null, keys: argv.slice(numkeysIdx + 1, end), rest: argv.slice(end) };
}

interface SetOpOptions {
  weights: number[];
  aggregate: Aggregate;
  withScores: boolean;
  limit: bigint;
}

function parseSetOpOptions(rest: readonly Buffer[], nkeys: number, op: SetOp, store: boolean, cardOnly: boolean): SetOpOptions | { error: Reply } {
  const o: SetOpOptions = { weights: Array.from({ length: nkeys }, () => 1), aggregate: 'sum', withScores: false, limit: 0n };
  let j = 0;
  while (j < rest.length) {
    const remaining = rest.length - j;
    const opt = rest[j]!;
    if (op !== 'diff' && !cardOnly && remaining >= nkeys + 1 && eqIgnoreCase(opt, 'weights')) {
      j++;
      for (let i = 0; i < nkeys; i++, j++) {
        const w = parseScore(rest[j]!);
        if (w === null) return fail(E.weightNotFloat);
        o.weights[i] = w;
      }
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && eqIgnoreCase(opt, 'aggregate')) {
      const which = rest[j + 1]!.toString('latin1').toLowerCase();
      if (which !== 'sum' && which !== 'min' && which !== 'max') return fail(E.syntax);
      o.aggregate = which;
      j += 2;
    } else if (!store && !cardOnly && eqIgnoreCase(opt, 'withscores')) {
      o.withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && eqIgnoreCase(opt, 'limit')) {
      const l = parseInt64(rest[j + 1]!);
      if (l === null || l < 0n) return fail(E.limitNegative);
      o.limit = l;
      j += 2;
    } else return fail(E.syntax);
  }
  return o;
}

function aggregate(target: number, val: number, how: Aggregate): number {
  if (how === 'sum') {
    const s = target + val;
    return Number.isNaN(s) ? 0 : s;
  }
  if (how === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

const latin1 = (b: Buffer): string => b.toString('latin1');

/** ZSKIPLIST order: score, then member bytes. */
function byScoreThenMember(a: ZEntry, b: ZEntry): number {
  if (a.score < b.score) return -1;
  if (a.score > b.score) return 1;
  return Buffer.compare(a.member, b.member);
}

/** The result of the operation over the sources (null: missing key), unsorted. */
async function computeSetOp(op: SetOp, sources: (Source | null)[], o: SetOpOptions, cardLimit = 0): Promise<ZEntry[]> {
  const src = sources.map((s, i) => ({ s, w: o.weights[i]!, size: s === null ? 0 : s.size }));
  if (op === 'diff') {
    const first = src[0]!.s;
    if (first === null) return [];
    let left: ZEntry[] = [];
    for await (const e of first.entries()) left.push(e);
    for (const { s } of src.slice(1)) {
      if (s === null || left.length === 0) continue;
      const found = await s.scores(left.map((e) => e.member));
      left = left.filter((_, i) => found[i] === null);
    }
    return left;
  }
  // Smallest first, as Redis sorts its inputs by cardinality (a stable sort).
  src.sort((a, b) => a.size - b.size);
  if (op === 'inter') {
    const first = src[0]!;
    if (first.s === null || first.size === 0) return [];
    let acc: { member: Buffer; score: number }[] = [];
    for await (const e of first.s.entries()) {
      const score = first.w * e.score;
      acc.push({ member: e.member, score: Number.isNaN(score) ? 0 : score });
    }
    for (const { s, w } of src.slice(1)) {
      if (s === null) return [];
      const found = await s.scores(acc.map((e) => e.member));
      const next: { member: Buffer; score: number }[] = [];
      acc.forEach((e, i) => {
        const v = found[i];
        if (v === null || v === undefined) return;
        next.push({ member: e.member, score: aggregate(e.score, v * w, o.aggregate) });
      });
      acc = next;
      if (acc.length === 0) break;
    }
    return cardLimit > 0 ? acc.slice(0, cardLimit) : acc;
  }
  const acc = new Map<string, { member: Buffer; score: number }>();
  for (const { s, w } of src) {
    if (s === null) continue;
    for await (const e of s.entries()) {
      let score = w * e.score;
      if (Number.isNaN(score)) score = 0;
      const id = latin1(e.member);
      const existing = acc.get(id);
      if (existing === undefined) acc.set(id, { member: e.member, score });
      else existing.score = aggregate(existing.score, score, o.aggregate);
    }
  }
  return [...acc.values()];
}

async function openSources(ks: Keyspace, db: number, keys: readonly Buffer[]): Promise<(Source | null)[] | typeof WRONGTYPE> {
  const out: (Source | null)[] = [];
  for (const k of keys) {
    const s = await openSource(ks, db, k);
    if (s === WRONGTYPE) return WRONGTYPE;
    out.push(s);
  }
  return out;
}

function setOpCommand(op: SetOp, summary: string, complexity: string): Command {
  const name = `z${op}`;
  return readCommand(
    name,
    meta(-3, ['readonly'], null, summary, '6.2.0', complexity),
    (argv) => parseSetOp(argv, 1, name),
    async (ctx, a) => {
      const sources = await openSources(ctx.ks, ctx.db, a.keys);
      if (sources === WRONGTYPE) return E.wrongType;
      const o = parseSetOpOptions(a.rest, a.keys.length, op, false, false);
      if ('error' in o) return o.error;
      const result = (await computeSetOp(op, sources, o)).sort(byScoreThenMember);
      return rangeReply(result, o.withScores);
    },
  );
}

function setOpStoreCommand(op: SetOp, summary: string, since: string, complexity: string): Command {
  const name = `z${op}store`;
  return writeCommand(
    name,
    meta(-4, ['write', 'denyoom'], K1, summary, since, complexity),
    // The options are parsed in apply, after the keys' types are checked, as Redis orders its
    // errors; an option error there writes nothing.
    (argv) => parseSetOp(argv, 2, name),
    async (ctx, a) => {
      const sources = await openSources(ctx.ks, ctx.db, a.keys);
      if (sources === WRONGTYPE) return E.wrongType;
      const o = parseSetOpOptions(a.rest, a.keys.length, op, true, false);
      if ('error' in o) return o.error;
      const result = await computeSetOp(op, sources, o);
      await replaceZSet(ctx.ks, ctx.db, a.dst!, result, 'whole');
      return int(result.length);
    },
  );
}

// ---- ZRANDMEMBER -------------------------------------------------------------------------------

interface RandArgs {
  key: Buffer;
  count: bigint | null;
  withScores: boolean;
}

function parseZrandmember(argv: readonly Buffer[]): ParseResult<RandArgs> {
  const key = argv[1]!;
  if (argv.length < 3) return { key, count: null, withScores: false };
  const count = parseInt64(argv[2]!);
  if (count === null) return fail(E.notInteger);
  if (count < -INT64_MAX) return fail(E.valueOutOfRangeBetween(-INT64_MAX, INT64_MAX));
  if (argv.length > 4 || (argv.length === 4 && !eqIgnoreCase(argv[3]!, 'withscores'))) return fail(E.syntax);
  const withScores = argv.length === 4;
  if (withScores && (count < -WITHSCORES_COUNT_ABS_MAX || count > WITHSCORES_COUNT_ABS_MAX)) return fail(E.valueOutOfRange);
  return { key, count, withScores };
}

async function allOf(z: ZSetView): Promise<ZEntry[]> {
  const out: ZEntry[] = [];
  for await (const e of z.walk()) out.push(e);
  return out;
}

/**
 * Sets up to this many members are read whole to pick random members, which is exactly uniform;
 * larger ones are sampled with random seeks (O(log N) each, roughly uniform, as HRANDFIELD).
 */
const RANDOM_READ_ALL_MEMBERS_MAX = 1000;
/** A random seek costs about as much as reading this many members in order. */
const RANDOM_SEEK_COST_IN_MEMBERS = 8;
/** Random seeks tried per requested distinct member before falling back to reading the set. */
const RANDOM_DISTINCT_PROBES_PER_MEMBER = 4;

const sampleBySeeks = (z: ZSetView, n: number): boolean => z.count > RANDOM_READ_ALL_MEMBERS_MAX && n * RANDOM_SEEK_COST_IN_MEMBERS < z.count;

async function randomWithRepeats(z: ZSetView, n: number, rng: Rng): Promise<ZEntry[]> {
  const out: ZEntry[] = [];
  if (!sampleBySeeks(z, n)) {
    const all = await allOf(z);
    for (let i = 0; i < n; i++) out.push(all[rng.int(all.length)]!);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const e = await z.randomMember(rng);
    if (e === null) break;
    out.push(e);
  }
  return out;
}

/** `n` distinct members (n < size) in random order. */
async function randomDistinct(z: ZSetView, n: number, rng: Rng): Promise<ZEntry[]> {
  if (sampleBySeeks(z, n)) {
    const seen = new Set<string>();
    const out: ZEntry[] = [];
    for (let probes = RANDOM_DISTINCT_PROBES_PER_MEMBER * n; probes > 0 && out.length < n; probes--) {
      const e = await z.randomMember(rng);
      if (e === null) break;
      const id = latin1(e.member);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(e);
    }
    if (out.length === n) return out;
    // The seeks kept landing on the same members (a very uneven member space): sample exactly.
  }
  const all = await allOf(z);
  // Partial Fisher-Yates: the first n slots become a uniform random n-subset in random order.
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(all.length - i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n);
}

/** zrandmemberWithCountCommand's cases, with the read-side rng (a read is not replicated). */
async function zrandmember(ctx: ReadContext, a: RandArgs): Promise<Reply> {
  const z = await openZSet(ctx.ks, ctx.db, a.key);
  if (z === WRONGTYPE) return E.wrongType;
  if (a.count === null) {
    if (z === null) return NULL;
    const [one] = await randomWithRepeats(z, 1, ctx.rng);
    return bulk(one!.member);
  }
  if (z === null || a.count === 0n) return EMPTY_ARRAY;
  if (a.count < 0n || a.count === 1n) {
    const n = a.count < 0n ? -a.count : a.count;
    if (n > BigInt(RANDOM_REPEATED_COUNT_MAX)) return E.randomCountTooLarge(RANDOM_REPEATED_COUNT_MAX);
    return rangeReply(await randomWithRepeats(z, Number(n), ctx.rng), a.withScores);
  }
  // A count at least the size of the set returns the whole set.
  if (a.count >= BigInt(z.count)) return rangeReply(await allOf(z), a.withScores);
  return rangeReply(await randomDistinct(z, Number(a.count), ctx.rng), a.withScores);
}

// ---- ZSCAN -------------------------------------------------------------------------------------

/**
 * ZSCAN replies member/score pairs. A listpack-sized set is returned whole, in its (score)
 * order; larger ones page through members in byte order.
 */
const zsetScan: CollectionScan<ZSetView, ZEntry> = {
  open: (ctx, key) => openZSet(ctx.ks, ctx.db, key),
  whole: (z) => (zsetEncoding(z.meta) === 'listpack' ? z.walk() : null),
  page: (z, after, limit) => z.members(after, limit),
  name: (e) => e.member,
  emit: (e, items) => items.push(bulk(e.member), bulk(formatDouble(e.score))),
};

// ---- the commands ------------------------------------------------------------------------------

const LOG_N = 'O(log(N))';
const RANGE_CX = 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.';

export const zsetCommands: Command[] = [
  writeCommand(
    'zadd',
    meta(-4, ['write', 'denyoom', 'fast'], K1, 'Add one or more members to a sorted set, or update its score if it already exists', '1.2.0', 'O(log(N)) for each item added, where N is the number of elements in the sorted set.'),
    (argv) => parseZadd(argv, false),
    zadd,
  ),
  writeCommand(
    'zincrby',
    meta(4, ['write', 'denyoom', 'fast'], K1, 'Increment the score of a member in a sorted set', '1.2.0', LOG_N),
    (argv) => parseZadd(argv, true),
    zadd,
  ),
  writeCommand(
    'zrem',
    meta(-3, ['write', 'fast'], K1, 'Remove one or more members from a sorted set', '1.2.0', 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.'),
    (argv) => ({ key: argv[1]!, members: argv.slice(2) }),
    async (ctx, { key, members }) => {
      const w = await openZSetForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return ZERO;
      if (w === WRONGTYPE) return E.wrongType;
      await w.prefetch(members);
      let n = 0;
      for (const m of members) if (await w.remove(m)) n++;
      await w.commitZSet();
      return int(n);
    },
  ),
  readCommand(
    'zcard',
    meta(2, ['readonly', 'fast'], K1, 'Get the number of members in a sorted set', '1.2.0'),
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const z = await openZSet(ctx.ks, ctx.db, key);
      if (z === WRONGTYPE) return E.wrongType;
      return int(z === null ? 0 : z.count);
    },
  ),
  readCommand(
    'zscore',
    meta(3, ['readonly', 'fast'], K1, 'Get the score associated with the given member in a sorted set', '1.2.0'),
    (argv) => ({ key: argv[1]!, member: argv[2]! }),
    async (ctx, { key, member }) => {
      const z = await openZSet(ctx.ks, ctx.db, key);
      if (z === WRONGTYPE) return E.wrongType;
      const s = z === null ? null : await z.score(member);
      return s === null ? NULL : dbl(s);
    },
  ),
  readCommand(
    'zmscore',
    meta(-3, ['readonly', 'fast'], K1, 'Get the score associated with the given members in a sorted set', '6.2.0', 'O(N) where N is the number of members being requested.'),
    (argv) => ({ key: argv[1]!, members: argv.slice(2) }),
    async (ctx, { key, members }) => {
      const z = await openZSet(ctx.ks, ctx.db, key);
      if (z === WRONGTYPE) return E.wrongType;
      if (z === null) return array(members.map(() => NULL));
      return array((await z.scores(members)).map((s) => (s === null ? NULL : dbl(s))));
    },
  ),
  ...(['zrank', 'zrevrank'] as const).map((name) =>
    readCommand(
      name,
      meta(3, ['readonly', 'fast'], K1, name === 'zrank' ? 'Determine the index of a member in a sorted set' : 'Determine the index of a member in a sorted set, with scores ordered from high to low', name === 'zrank' ? '2.0.0' : '2.0.0', LOG_N),
      (argv) => ({ key: argv[1]!, member: argv[2]! }),
      async (ctx, { key, member }) => {
        const z = await openZSet(ctx.ks, ctx.db, key);
        if (z === null) return NULL;
        if (z === WRONGTYPE) return E.wrongType;
        const s = await z.score(member);
        return s === null ? NULL : int(await z.rank(member, s, name === 'zrevrank'));
      },
    ),
  ),
  readCommand(
    'zcount',
    meta(4, ['readonly', 'fast'], K1, 'Count the members in a sorted set with scores within the given values', '2.0.0', LOG_N),
    (argv): ParseResult<{ key: Buffer; r: ScoreRange }> => {
      const r = parseScoreRange(argv[2]!, argv[3]!);
      return r === null ? fail(E.minMaxNotFloat) : { key: argv[1]!, r };
    },
    async (ctx, { key, r }) => {
      const z = await openZSet(ctx.ks, ctx.db, key);
      if (z === null) return ZERO;
      if (z === WRONGTYPE) return E.wrongType;
      if (isEmptyRange(r)) return ZERO;
      return int(await z.countWithin(scoreBounds(r.min, r.minex, r.max, r.maxex)));
    },
  ),
  readCommand(
    'zlexcount',
    meta(4, ['readonly', 'fast'], K1, 'Count the number of members in a sorted set between a given lexicographical range', '2.8.9', LOG_N),
    (argv): ParseResult<{ key: Buffer; r: LexRange }> => {
      const r = parseLexRange(argv[2]!, argv[3]!);
      return r === null ? fail(E.minMaxNotLex) : { key: argv[1]!, r };
    },
    async (ctx, { key, r }) => {
      const z = await openZSet(ctx.ks, ctx.db, key);
      if (z === null) return ZERO;
      if (z === WRONGTYPE) return E.wrongType;
      let n = 0;
      for await (const _ of walkLex(z, r, false)) n++;
      return int(n);
    },
  ),
  rangeCommand('zrange', 'auto', 'auto', 'Return a range of members in a sorted set', '1.2.0', RANGE_CX),
  writeCommand(
    'zrangestore',
    meta(-5, ['write', 'denyoom'], K12, 'Store a range of members from sorted set into another key', '6.2.0', 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.'),
    (argv): ParseResult<RangeArgs & { dst: Buffer }> => {
      const a = parseRange(argv, 2, true, 'auto', 'auto');
      return 'error' in a ? a : { ...a, dst: argv[1]! };
    },
    async (ctx, a) => {
      const z = await openZSet(ctx.ks, ctx.db, a.key);
      if (z === WRONGTYPE) return E.wrongType;
      const result = z === null ? [] : await rangeOf(z, a);
      // A missing source stores nothing, which deletes the destination.
      await replaceZSet(ctx.ks, ctx.db, a.dst, result, 'inserted');
      return int(result.length);
    },
  ),
  rangeCommand('zrevrange', 'rank', 'reverse', 'Return a range of members in a sorted set, by index, with scores ordered from high to low', '1.2.0', RANGE_CX),
  rangeCommand('zrangebyscore', 'score', 'forward', 'Return a range of members in a sorted set, by score', '1.0.5', RANGE_CX),
  rangeCommand('zrevrangebyscore', 'score', 'reverse', 'Return a range of members in a sorted set, by score, with scores ordered from high to low', '2.2.0', RANGE_CX),
  rangeCommand('zrangebylex', 'lex', 'forward', 'Return a range of members in a sorted set, by lexicographical range', '2.8.9', RANGE_CX),
  rangeCommand('zrevrangebylex', 'lex', 'reverse', 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.', '2.8.9', RANGE_CX),
  zremrangeCommand('zremrangebyrank', 'rank', 'Remove all members in a sorted set within the given indexes', '2.0.0'),
  zremrangeCommand('zremrangebyscore', 'score', 'Remove all members in a sorted set within the given scores', '1.2.0'),
  zremrangeCommand('zremrangebylex', 'lex', 'Remove all members in a sorted set between the given lexicographical range', '2.8.9'),
  zpopCommand('zpopmin', 'Remove and return members with the lowest scores in a sorted set'),
  zpopCommand('zpopmax', 'Remove and return members with the highest scores in a sorted set'),
  writeCommand(
    'zmpop',
    // Keys are found through numkeys (a keynum key spec), so there is no legacy key range.
    meta(-4, ['write'], null, 'Remove and return members with scores in a sorted set', '7.0.0', 'O(K) + O(N*log(M)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.'),
    parseZmpop,
    zmpop,
  ),
  readCommand(
    'zrandmember',
    meta(-2, ['readonly'], K1, 'Get one or multiple random elements from a sorted set', '6.2.0', 'O(N) where N is the number of elements returned'),
    parseZrandmember,
    zrandmember,
  ),
  setOpCommand('union', 'Add multiple sorted sets', 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.'),
  setOpStoreCommand('union', 'Add multiple sorted sets and store the resulting sorted set in a new key', '2.0.0', 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.'),
  setOpCommand('inter', 'Intersect multiple sorted sets', 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.'),
  setOpStoreCommand('inter', 'Intersect multiple sorted sets and store the resulting sorted set in a new key', '2.0.0', 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.'),
  setOpCommand('diff', 'Subtract multiple sorted sets', 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.'),
  setOpStoreCommand('diff', 'Subtract multiple sorted sets and store the resulting sorted set in a new key', '6.2.0', 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.'),
  readCommand(
    'zintercard',
    // Keys are found through numkeys (a keynum key spec), so there is no legacy key range.
    meta(-3, ['readonly'], null, 'Intersect multiple sorted sets and return the cardinality of the result', '7.0.0', 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.'),
    (argv) => parseSetOp(argv, 1, 'zintercard'),
    async (ctx, a) => {
      const sources = await openSources(ctx.ks, ctx.db, a.keys);
      if (sources === WRONGTYPE) return E.wrongType;
      const o = parseSetOpOptions(a.rest, a.keys.length, 'inter', false, true);
      if ('error' in o) return o.error;
      return int((await computeSetOp('inter', sources, o, Number(o.limit))).length);
    },
  ),
  readCommand(
    'zscan',
    meta(-3, ['readonly'], K1, 'Incrementally iterate sorted sets elements and associated scores', '2.8.0', 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.'),
    parseScanArgs,
    (ctx, a) => scanCollection(ctx, a, zsetScan),
  ),
];
