// List commands (Redis t_list.c), non-blocking ones: argument parsing and replies, in the order
// redis-server 7.0 checks things (some parse their numbers before looking the key up, LINDEX and
// LSET after). Storage in state-machine/types/list.ts (Pika's list layout: end indices in meta,
// one record per element keyed by position). The blocking commands (BLPOP, BLMOVE, ...) are in
// commands/blocking.ts.
import { array, bulk, EMPTY_ARRAY, int, NULL, NULL_ARRAY, OK, ZERO, type Reply } from '../resp/reply.js';
import { WRONGTYPE } from '../state-machine/types/collection.js';
import { isListOrAbsent, openList, openListForWrite, type ListEnd } from '../state-machine/types/list.js';
import { eqIgnoreCase, INT64_MIN, parseInt64 } from './args.js';
import type { ReadContext, WriteContext } from './context.js';
import { E } from './errors.js';
import { fail, readCommand, writeCommand, type Command, type CommandFlag, type KeyRange, type ParseResult } from './table.js';

const K1: KeyRange = { first: 1, last: 1, step: 1 };
const K2: KeyRange = { first: 1, last: 2, step: 1 };
const meta = (arity: number, flags: readonly CommandFlag[], keys: KeyRange | null, summary: string, since: string, complexity = 'O(1)') => ({
  arity,
  flags,
  keys,
  // @read/@write/@fast/@slow follow from the flags (table.ts withImplicitCategories).
  acl: ['@list'],
  docs: { summary, since, group: 'list', complexity },
});

/**
 * Counts, ranks and lengths past any list's size behave alike, so they are held as JS numbers
 * clamped here.
 */
const clampNumber = (v: bigint): number => (v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v));

/** LRANGE/LTRIM's normalization of [start, stop] over a list of `len`: the first index and how many. */
function rangeOf(start: bigint, stop: bigint, len: number): { start: number; n: number } {
  const l = BigInt(len);
  let s = start < 0n ? l + start : start;
  let e = stop < 0n ? l + stop : stop;
  if (s < 0n) s = 0n;
  if (s > e || s >= l) return { start: 0, n: 0 };
  if (e >= l) e = l - 1n;
  return { start: Number(s), n: Number(e - s + 1n) };
}

/** A LINDEX/LSET index over a list of `len`, or null when out of range. */
function indexOf(index: bigint, len: number): number | null {
  const i = index < 0n ? BigInt(len) + index : index;
  return i < 0n || i >= BigInt(len) ? null : Number(i);
}

/** getListPositionFromObjectOrReply: LEFT or RIGHT, any case. */
function endOf(arg: Buffer): ListEnd | null {
  if (eqIgnoreCase(arg, 'left')) return 'left';
  if (eqIgnoreCase(arg, 'right')) return 'right';
  return null;
}

const bulks = (values: readonly Buffer[]): Reply => array(values.map((v) => bulk(v)));

// ---- push and pop ----------------------------------------------------------------------------

function pushCommand(name: string, end: ListEnd, onlyIfExists: boolean, summary: string, since: string): Command {
  return writeCommand(
    name,
    meta(-3, ['write', 'denyoom', 'fast'], K1, summary, since, 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.'),
    (argv) => ({ key: argv[1]!, values: argv.slice(2) }),
    async (ctx, { key, values }) => {
      const w = await openListForWrite(ctx.ks, ctx.db, key, !onlyIfExists);
      if (w === null) return ZERO;
      if (w === WRONGTYPE) return E.wrongType;
      const len = w.push(end, values);
      await w.commit();
      return int(len);
    },
  );
}

/** popGenericCommand: the count is parsed before the key is looked up. */
function popCommand(name: string, end: ListEnd, summary: string): Command {
  return writeCommand(
    name,
    meta(-2, ['write', 'fast'], K1, summary, '1.0.0', 'O(N) where N is the number of elements returned'),
    (argv): ParseResult<{ key: Buffer; count: number | null }> => {
      if (argv.length > 3) return fail(E.wrongArity(name));
      if (argv.length < 3) return { key: argv[1]!, count: null };
      const count = parseInt64(argv[2]!);
      if (count === null || count < 0n) return fail(E.countNotPositive);
      return { key: argv[1]!, count: clampNumber(count) };
    },
    async (ctx, { key, count }) => {
      const w = await openListForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return count === null ? NULL : NULL_ARRAY;
      if (w === WRONGTYPE) return E.wrongType;
      if (count === 0) return EMPTY_ARRAY;
      const values = await w.pop(end, count ?? 1);
      await w.commit();
      return count === null ? bulk(values[0]!) : bulks(values);
    },
  );
}

// ---- LPOS ------------------------------------------------------------------------------------

interface LposArgs {
  key: Buffer;
  element: Buffer;
  rank: bigint;
  /** null: no COUNT option (the reply is one index or null). 0: every match. */
  count: number | null;
  /** 0: no limit. */
  maxlen: number;
}

function parseLpos(argv: readonly Buffer[]): ParseResult<LposArgs> {
  const a: LposArgs = { key: argv[1]!, element: argv[2]!, rank: 1n, count: null, maxlen: 0 };
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqIgnoreCase(argv[j]!, 'rank') && more > 0) {
      const rank = parseInt64(argv[++j]!);
      if (rank === null) return fail(E.notInteger);
      if (rank === 0n) return fail(E.lposRankZero);
      a.rank = rank;
    } else if (eqIgnoreCase(argv[j]!, 'count') && more > 0) {
      const count = parseInt64(argv[++j]!);
      if (count === null || count < 0n) return fail(E.lposCountNegative);
      a.count = clampNumber(count);
    } else if (eqIgnoreCase(argv[j]!, 'maxlen') && more > 0) {
      const maxlen = parseInt64(argv[++j]!);
      if (maxlen === null || maxlen < 0n) return fail(E.lposMaxlenNegative);
      a.maxlen = clampNumber(maxlen);
    } else return fail(E.syntax);
  }
  return a;
}

async function lpos(ctx: ReadContext, a: LposArgs): Promise<Reply> {
  const l = await openList(ctx.ks, ctx.db, a.key);
  if (l === null) return a.count !== null ? EMPTY_ARRAY : NULL;
  if (l === WRONGTYPE) return E.wrongType;
  // A negative rank counts matches from the tail. redis-server negates a long: RANK
  // -9223372036854775808 stays negative, so every match is past the rank and COUNT never stops
  // the search (its `matches - rank + 1` wraps around); pikiraft reproduces that answer.
  const fromTail = a.rank < 0n;
  const wrapped = a.rank === INT64_MIN;
  const rank = clampNumber(a.rank < 0n ? -a.rank : a.rank);
  const found: number[] = [];
  let matches = 0;
  let examined = 0;
  for await (const { index, value } of l.scan(fromTail)) {
    if (a.maxlen !== 0 && examined >= a.maxlen) break;
    examined++;
    if (!value.equals(a.element)) continue;
    matches++;
    if (!wrapped && matches < rank) continue;
    found.push(index);
    if (a.count === null) break;
    if (a.count !== 0 && !wrapped && matches - rank + 1 >= a.count) break;
  }
  if (a.count !== null) return array(found.map((i) => int(i)));
  return found.length > 0 ? int(found[0]!) : NULL;
}

// ---- LMOVE, RPOPLPUSH, LMPOP -------------------------------------------------------------------

interface MoveArgs {
  src: Buffer;
  dst: Buffer;
  from: ListEnd;
  to: ListEnd;
}

/** lmoveGenericCommand: a missing source answers nil before the destination's type is checked. */
async function lmove(ctx: WriteContext, a: MoveArgs): Promise<Reply> {
  const src = await openListForWrite(ctx.ks, ctx.db, a.src, false);
  if (src === null) return NULL;
  if (src === WRONGTYPE) return E.wrongType;
  if (a.src.equals(a.dst)) {
    // Pop and push on the same list (a rotation when the ends differ); it never becomes empty.
    const [value] = await src.pop(a.from, 1);
    src.push(a.to, [value!]);
    await src.commit();
    return bulk(value!);
  }
  if (!(await isListOrAbsent(ctx.ks, ctx.db, a.dst))) return E.wrongType;
  const [value] = await src.pop(a.from, 1);
  await src.commit();
  const dst = await openListForWrite(ctx.ks, ctx.db, a.dst, true);
  if (dst === WRONGTYPE) return E.wrongType;
  dst.push(a.to, [value!]);
  await dst.commit();
  return bulk(value!);
}

interface LmpopArgs {
  keys: Buffer[];
  end: ListEnd;
  count: number;
}

/** lmpopGenericCommand: numkeys, the end, then COUNT (at most once), all before any key is read. */
function parseLmpop(argv: readonly Buffer[]): ParseResult<LmpopArgs> {
  const numkeys = parseInt64(argv[1]!);
  if (numkeys === null || numkeys < 1n) return fail(E.numkeysNotPositive);
  const whereIdx = 2n + numkeys;
  if (whereIdx >= BigInt(argv.length)) return fail(E.syntax);
  const w = Number(whereIdx);
  const end = endOf(argv[w]!);
  if (end === null) return fail(E.syntax);
  let count = -1;
  for (let j = w + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && eqIgnoreCase(argv[j]!, 'count') && more > 0) {
      const n = parseInt64(argv[++j]!);
      if (n === null || n < 1n) return fail(E.mpopCountNotPositive);
      count = clampNumber(n);
    } else return fail(E.syntax);
  }
  return { keys: argv.slice(2, w), end, count: count === -1 ? 1 : count };
}

// ---- the commands ----------------------------------------------------------------------------

const moveComplexity = 'O(1)';

/** LRANGE/LTRIM arguments: both bounds must be integers before the key is looked at. */
function parseKeyStartStop(argv: readonly Buffer[]): ParseResult<{ key: Buffer; start: bigint; stop: bigint }> {
  const start = parseInt64(argv[2]!);
  const stop = parseInt64(argv[3]!);
  if (start === null || stop === null) return fail(E.notInteger);
  return { key: argv[1]!, start, stop };
}

export const listCommands: Command[] = [
  pushCommand('lpush', 'left', false, 'Prepend one or multiple elements to a list', '1.0.0'),
  pushCommand('rpush', 'right', false, 'Append one or multiple elements to a list', '1.0.0'),
  pushCommand('lpushx', 'left', true, 'Prepend an element to a list, only if the list exists', '2.2.0'),
  pushCommand('rpushx', 'right', true, 'Append an element to a list, only if the list exists', '2.2.0'),
  popCommand('lpop', 'left', 'Remove and get the first elements in a list'),
  popCommand('rpop', 'right', 'Remove and get the last elements in a list'),
  readCommand(
    'llen',
    meta(2, ['readonly', 'fast'], K1, 'Get the length of a list', '1.0.0'),
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const l = await openList(ctx.ks, ctx.db, key);
      if (l === WRONGTYPE) return E.wrongType;
      return int(l === null ? 0 : l.length);
    },
  ),
  readCommand(
    'lindex',
    meta(3, ['readonly'], K1, 'Get an element from a list by its index', '1.0.0', 'O(1)'),
    (argv) => ({ key: argv[1]!, index: argv[2]! }),
    async (ctx, { key, index }) => {
      // lindexCommand looks the key up before parsing the index.
      const l = await openList(ctx.ks, ctx.db, key);
      if (l === null) return NULL;
      if (l === WRONGTYPE) return E.wrongType;
      const idx = parseInt64(index);
      if (idx === null) return E.notInteger;
      const i = indexOf(idx, l.length);
      return i === null ? NULL : bulk(await l.at(i));
    },
  ),
  writeCommand(
    'lset',
    meta(4, ['write', 'denyoom'], K1, 'Set the value of an element in a list by its index', '1.0.0', 'O(1)'),
    (argv) => ({ key: argv[1]!, index: argv[2]!, value: argv[3]! }),
    async (ctx, { key, index, value }) => {
      // lsetCommand: "no such key" and WRONGTYPE come before the index is parsed.
      const w = await openListForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return E.noSuchKey;
      if (w === WRONGTYPE) return E.wrongType;
      const idx = parseInt64(index);
      if (idx === null) return E.notInteger;
      const i = indexOf(idx, w.length);
      if (i === null) return E.indexOutOfRange;
      w.set(i, value);
      await w.commit();
      return OK;
    },
  ),
  readCommand(
    'lrange',
    meta(4, ['readonly'], K1, 'Get a range of elements from a list', '1.0.0', 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.'),
    parseKeyStartStop,
    async (ctx, { key, start, stop }) => {
      const l = await openList(ctx.ks, ctx.db, key);
      if (l === null) return EMPTY_ARRAY;
      if (l === WRONGTYPE) return E.wrongType;
      const r = rangeOf(start, stop, l.length);
      return bulks(await l.range(r.start, r.n));
    },
  ),
  writeCommand(
    'ltrim',
    meta(4, ['write'], K1, 'Trim a list to the specified range', '1.0.0', 'O(N) where N is the number of elements to be removed by the operation.'),
    parseKeyStartStop,
    async (ctx, { key, start, stop }) => {
      const w = await openListForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return OK;
      if (w === WRONGTYPE) return E.wrongType;
      const r = rangeOf(start, stop, w.length);
      w.trim(r.start, r.n);
      await w.commit();
      return OK;
    },
  ),
  writeCommand(
    'lrem',
    meta(4, ['write'], K1, 'Remove elements from a list', '1.0.0', 'O(N+M) where N is the length of the list and M is the number of elements removed.'),
    (argv): ParseResult<{ key: Buffer; count: bigint; element: Buffer }> => {
      const count = parseInt64(argv[2]!);
      return count === null ? fail(E.notInteger) : { key: argv[1]!, count, element: argv[3]! };
    },
    async (ctx, { key, count, element }) => {
      const w = await openListForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return ZERO;
      if (w === WRONGTYPE) return E.wrongType;
      // count > 0 removes the first matches from the head, < 0 from the tail, 0 every match.
      const limit = count === 0n ? Infinity : clampNumber(count < 0n ? -count : count);
      const matched: number[] = [];
      for await (const { index, value } of w.scan(count < 0n)) {
        if (!value.equals(element)) continue;
        matched.push(index);
        if (matched.length >= limit) break;
      }
      await w.removeIndices(matched);
      await w.commit();
      return int(matched.length);
    },
  ),
  writeCommand(
    'linsert',
    meta(5, ['write', 'denyoom'], K1, 'Insert an element before or after another element in a list', '2.2.0', 'O(N) where N is the number of elements to traverse before seeing the value pivot.'),
    (argv): ParseResult<{ key: Buffer; before: boolean; pivot: Buffer; element: Buffer }> => {
      const where = argv[2]!;
      const before = eqIgnoreCase(where, 'before');
      if (!before && !eqIgnoreCase(where, 'after')) return fail(E.syntax);
      return { key: argv[1]!, before, pivot: argv[3]!, element: argv[4]! };
    },
    async (ctx, { key, before, pivot, element }) => {
      const w = await openListForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return ZERO;
      if (w === WRONGTYPE) return E.wrongType;
      let at = -1;
      for await (const { index, value } of w.scan()) {
        if (value.equals(pivot)) {
          at = index;
          break;
        }
      }
      if (at === -1) return int(-1);
      await w.insertAt(before ? at : at + 1, element);
      await w.commit();
      return int(w.length);
    },
  ),
  readCommand(
    'lpos',
    meta(-3, ['readonly'], K1, 'Return the index of matching elements on a list', '6.0.6', 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.'),
    parseLpos,
    lpos,
  ),
  writeCommand(
    'lmove',
    meta(5, ['write', 'denyoom'], K2, 'Pop an element from a list, push it to another list and return it', '6.2.0', moveComplexity),
    (argv): ParseResult<MoveArgs> => {
      const from = endOf(argv[3]!);
      const to = endOf(argv[4]!);
      if (from === null || to === null) return fail(E.syntax);
      return { src: argv[1]!, dst: argv[2]!, from, to };
    },
    lmove,
  ),
  writeCommand(
    'rpoplpush',
    meta(3, ['write', 'denyoom'], K2, 'Remove the last element in a list, prepend it to another list and return it', '1.2.0', moveComplexity),
    (argv): MoveArgs => ({ src: argv[1]!, dst: argv[2]!, from: 'right', to: 'left' }),
    lmove,
  ),
  writeCommand(
    'lmpop',
    // Keys are found through numkeys (a keynum key spec), so there is no legacy key range.
    meta(-4, ['write'], null, 'Pop elements from a list', '7.0.0', 'O(N+M) where N is the number of provided keys and M is the number of elements returned.'),
    parseLmpop,
    async (ctx, { keys, end, count }) => {
      // mpopGenericCommand: the first non-empty list wins; a wrong type before it is an error.
      for (const key of keys) {
        const w = await openListForWrite(ctx.ks, ctx.db, key, false);
        if (w === null) continue;
        if (w === WRONGTYPE) return E.wrongType;
        const values = await w.pop(end, count);
        await w.commit();
        return array([bulk(key), bulks(values)]);
      }
      return NULL_ARRAY;
    },
  ),
];
