// Set commands (Redis t_set.c): argument parsing and replies; storage in
// state-machine/types/set.ts on the shared collection encoding (types/collection.ts).
//
// Member order: redis-server lists an intset (all-integer, at most 512 members) in numeric order
// and a hashtable in hash order. pikiraft lists intset-encoded sets and all-integer results the
// same numeric way and everything else in byte order, the order members are stored in. SMEMBERS,
// SINTER, SUNION, SDIFF, SSCAN, SPOP and SRANDMEMBER are documented as unordered.
import { array, bulk, EMPTY_ARRAY, int, NULL, ONE, ZERO, type Reply } from '../resp/reply.js';
import { KeyType } from '../state-machine/encoding.js';
import { WRONGTYPE, type CollectionView } from '../state-machine/types/collection.js';
import {
  addMembers,
  commitSet,
  diff,
  encodingOfNewSet,
  inRedisOrder,
  intersect,
  openSet,
  openSetForWrite,
  randomDistinctMembers,
  randomMembersWithRepeats,
  readMembers,
  replaceSet,
  sampleDistinct,
  setEncoding,
  setSetEncoding,
  union,
  type SetEncoding,
} from '../state-machine/types/set.js';
import type { Keyspace } from '../state-machine/keyspace.js';
import { eqIgnoreCase, INT64_MAX, parseInt64 } from './args.js';
import type { ReadContext, WriteContext } from './context.js';
import { parseScanArgs, scanCollection, type CollectionScan } from './collection-scan.js';
import { E } from './errors.js';
import { fail, readCommand, writeCommand, type Command, type CommandFlag, type KeyRange, type ParseResult } from './table.js';

const K1 = { first: 1, last: 1, step: 1 };
const ALL_KEYS = { first: 1, last: -1, step: 1 };
const docs = (summary: string, since: string, complexity: string) => ({ summary, since, group: 'set', complexity });
const meta = (arity: number, flags: readonly CommandFlag[], keys: KeyRange | null, summary: string, since: string, complexity = 'O(1)') => ({
  arity,
  flags,
  keys,
  // @read/@write/@fast/@slow follow from the flags (table.ts withImplicitCategories).
  acl: ['@set'],
  docs: docs(summary, since, complexity),
});

/**
 * A negative SRANDMEMBER count may repeat members, so the reply is not bounded by the set.
 * redis-server builds it whatever its size; pikiraft holds a reply in memory before sending it
 * and refuses larger counts, with the same limit as HRANDFIELD (commands/hash.ts).
 */
const RANDOM_REPEATED_COUNT_MAX = 1_000_000;
/** t_set.c SPOP_MOVE_STRATEGY_MUL: SPOP rebuilds the set from what stays when it keeps under 1/5 of the count. */
const SPOP_MOVE_STRATEGY_MUL = 5;

/** RESP3 set (`~`), RESP2 array: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count. */
const setReply = (members: readonly Buffer[]): Reply => ({ t: 'set', items: members.map((m) => bulk(m)) });
const EMPTY_SET: Reply = setReply([]);

// ---- loading several sets ----------------------------------------------------------------------

/**
 * The live sets at `keys`, null for a missing key; WRONGTYPE when any key holds another type.
 * Redis 7.0 checks the type of every key before it computes anything (a missing key does not
 * end the lookup early), so SINTER missing wrongtyped is a WRONGTYPE error.
 */
async function openSets(ks: Keyspace, db: number, keys: readonly Buffer[]): Promise<(CollectionView | null)[] | typeof WRONGTYPE> {
  const sets = await Promise.all(keys.map((k) => openSet(ks, db, k)));
  const out: (CollectionView | null)[] = [];
  for (const s of sets) {
    if (s === WRONGTYPE) return WRONGTYPE;
    out.push(s);
  }
  return out;
}

/** SINTER over the keys: empty when any is missing. */
async function interOf(sets: readonly (CollectionView | null)[], limit: number): Promise<Buffer[]> {
  if (sets.some((s) => s === null)) return [];
  return intersect(sets as CollectionView[], limit);
}

/** The result of SINTER/SUNION/SDIFF and the encoding a stored copy of it would get. */
type Algebra = (sets: readonly (CollectionView | null)[]) => Promise<{ members: Buffer[]; encoding: SetEncoding }>;

const withNewEncoding = (members: Buffer[]): { members: Buffer[]; encoding: SetEncoding } => ({ members, encoding: encodingOfNewSet(members) });

const ALGEBRA: Record<'sinter' | 'sunion' | 'sdiff', Algebra> = {
  sinter: async (sets) => withNewEncoding(await interOf(sets, 0)),
  sunion: async (sets) => withNewEncoding(await union(sets.filter((s): s is CollectionView => s !== null))),
  sdiff: async ([first, ...rest]) => (first ? diff(first, rest) : { members: [], encoding: 'intset' }),
};

function algebraCommand(op: 'sinter' | 'sunion' | 'sdiff', summary: string, complexity: string): Command {
  return readCommand(
    op,
    meta(-2, ['readonly'], ALL_KEYS, summary, '1.0.0', complexity),
    (argv) => ({ keys: argv.slice(1) }),
    async (ctx, { keys }) => {
      const sets = await openSets(ctx.ks, ctx.db, keys);
      if (sets === WRONGTYPE) return E.wrongType;
      const { members, encoding } = await ALGEBRA[op](sets);
      return setReply(inRedisOrder(members, encoding));
    },
  );
}

function storeCommand(op: 'sinter' | 'sunion' | 'sdiff', summary: string, complexity: string): Command {
  return writeCommand(
    `${op}store`,
    meta(-3, ['write', 'denyoom'], ALL_KEYS, summary, '1.0.0', complexity),
    (argv) => ({ dst: argv[1]!, keys: argv.slice(2) }),
    async (ctx, { dst, keys }) => {
      const sets = await openSets(ctx.ks, ctx.db, keys);
      if (sets === WRONGTYPE) return E.wrongType;
      // The whole result is computed before the destination is touched: it may be a source too.
      const { members, encoding } = await ALGEBRA[op](sets);
      // The destination is replaced whatever it held (any type, any expiry); an empty result deletes it.
      await replaceSet(ctx.ks, ctx.db, dst, members, encoding);
      return int(members.length);
    },
  );
}

// ---- SPOP / SRANDMEMBER ------------------------------------------------------------------------

/** spopCommand: a count argument must be a non-negative integer (any other text gets the same error). */
function parseSpop(argv: readonly Buffer[]): ParseResult<{ key: Buffer; count: number | null }> {
  const key = argv[1]!;
  if (argv.length > 3) return fail(E.syntax);
  if (argv.length === 2) return { key, count: null };
  const n = parseInt64(argv[2]!);
  if (n === null || n < 0n) return fail(E.countNotPositive);
  // No set holds more than 2^53 members: a larger count pops them all, as it would in Redis.
  return { key, count: n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n) };
}

/** SPOP runs inside apply: every random choice comes from the entry's seeded rng, so replicas agree. */
async function spop(ctx: WriteContext, { key, count }: { key: Buffer; count: number | null }): Promise<Reply> {
  const w = await openSetForWrite(ctx.ks, ctx.db, key, false);
  if (w === WRONGTYPE) return E.wrongType;
  if (w === null) return count === null ? NULL : EMPTY_SET;
  if (count === null) {
    const [member] = await randomMembersWithRepeats(w, 1, ctx.rng);
    await w.delete(member!);
    await commitSet(w);
    return bulk(member!);
  }
  if (count === 0) return EMPTY_SET;
  const size = w.count;
  if (count >= size) {
    // CASE 1: the whole set, and the key is gone.
    const all = await readMembers(w);
    await ctx.ks.deleteKey(ctx.db, key);
    return setReply(inRedisOrder(all, encodingOfNewSet(all)));
  }
  const remaining = size - count;
  let popped: Buffer[];
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // CASE 2: few members leave; the set keeps its encoding.
    popped = await randomDistinctMembers(w, count, ctx.rng);
  } else {
    // CASE 3: Redis builds a new set of the members that stay, which chooses its encoding afresh.
    const all = await readMembers(w);
    popped = sampleDistinct(all, count, ctx.rng);
    setSetEncoding(w, encodingOfNewSet(all.slice(count)));
  }
  await w.deleteMany(popped);
  await commitSet(w);
  return setReply(popped);
}

interface SrandArgs {
  key: Buffer;
  /** null: no count argument (reply is one bulk string). */
  count: bigint | null;
}

/** srandmemberCommand: more than one extra argument is a syntax error; the count is checked before the key. */
function parseSrandmember(argv: readonly Buffer[]): ParseResult<SrandArgs> {
  const key = argv[1]!;
  if (argv.length > 3) return fail(E.syntax);
  if (argv.length === 2) return { key, count: null };
  const count = parseInt64(argv[2]!);
  if (count === null) return fail(E.notInteger);
  if (count < -INT64_MAX) return fail(E.valueOutOfRangeBetween(-INT64_MAX, INT64_MAX));
  return { key, count };
}

/** SRANDMEMBER with a count replies with an array in RESP3 too (redis-server 7.0), unlike SPOP. */
async function srandmember(ctx: ReadContext, a: SrandArgs): Promise<Reply> {
  const s = await openSet(ctx.ks, ctx.db, a.key);
  if (s === WRONGTYPE) return E.wrongType;
  if (a.count === null) {
    if (s === null) return NULL;
    const [one] = await randomMembersWithRepeats(s, 1, ctx.rng);
    return bulk(one!);
  }
  if (s === null || a.count === 0n) return EMPTY_ARRAY;
  const members = (ms: readonly Buffer[]): Reply => array(ms.map((m) => bulk(m)));
  if (a.count < 0n) {
    // CASE 1: a negative count samples with repetition.
    if (-a.count > BigInt(RANDOM_REPEATED_COUNT_MAX)) return E.randomCountTooLarge(RANDOM_REPEATED_COUNT_MAX);
    return members(await randomMembersWithRepeats(s, Number(-a.count), ctx.rng));
  }
  if (a.count >= BigInt(s.count)) {
    // CASE 2: the whole set.
    const all = await readMembers(s);
    return members(inRedisOrder(all, encodingOfNewSet(all)));
  }
  return members(await randomDistinctMembers(s, Number(a.count), ctx.rng));
}

// ---- SINTERCARD --------------------------------------------------------------------------------

/** sinterCardCommand: numkeys, then the LIMIT options, all before any key is looked up. */
function parseSintercard(argv: readonly Buffer[]): ParseResult<{ keys: Buffer[]; limit: number }> {
  const numkeys = parseInt64(argv[1]!);
  if (numkeys === null || numkeys < 1n) return fail(E.numkeysNotPositive);
  if (numkeys > BigInt(argv.length - 2)) return fail(E.numkeysExceedArgs);
  const n = Number(numkeys);
  let limit = 0;
  for (let i = 2 + n; i < argv.length; i++) {
    if (eqIgnoreCase(argv[i]!, 'limit') && i + 1 < argv.length) {
      const l = parseInt64(argv[++i]!);
      if (l === null || l < 0n) return fail(E.limitNegative);
      // A limit past any set's size changes nothing; a JS number holds it.
      limit = l > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(l);
    } else return fail(E.syntax);
  }
  return { keys: argv.slice(2, 2 + n), limit };
}

// ---- SSCAN -------------------------------------------------------------------------------------

/**
 * SSCAN replies members. An intset is returned whole (in its numeric order, as redis-server
 * lists it); larger sets page through members in byte order.
 */
const setScan: CollectionScan<CollectionView, Buffer> = {
  open: (ctx, key) => openSet(ctx.ks, ctx.db, key),
  whole: (s) =>
    setEncoding(s.meta) === 'intset'
      ? (async function* () {
          yield* inRedisOrder(await readMembers(s), 'intset');
        })()
      : null,
  page: async function* (s, after, limit) {
    for await (const e of s.entries({ after, limit })) yield e.field;
  },
  name: (m) => m,
  emit: (m, items) => items.push(bulk(m)),
};

// ---- the commands ------------------------------------------------------------------------------

export const setCommands: Command[] = [
  writeCommand(
    'sadd',
    meta(-3, ['write', 'denyoom', 'fast'], K1, 'Add one or more members to a set', '1.0.0', 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.'),
    (argv) => ({ key: argv[1]!, members: argv.slice(2) }),
    async (ctx, { key, members }) => {
      const w = await openSetForWrite(ctx.ks, ctx.db, key, true);
      if (w === WRONGTYPE) return E.wrongType;
      const added = await addMembers(w, members);
      await commitSet(w);
      return int(added);
    },
  ),
  writeCommand(
    'srem',
    meta(-3, ['write', 'fast'], K1, 'Remove one or more members from a set', '1.0.0', 'O(N) where N is the number of members to be removed.'),
    (argv) => ({ key: argv[1]!, members: argv.slice(2) }),
    async (ctx, { key, members }) => {
      const w = await openSetForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return ZERO;
      if (w === WRONGTYPE) return E.wrongType;
      const removed = await w.deleteMany(members);
      // Removing the last member deletes the key: an empty set never exists.
      await commitSet(w);
      return int(removed);
    },
  ),
  readCommand(
    'scard',
    meta(2, ['readonly', 'fast'], K1, 'Get the number of members in a set', '1.0.0'),
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const s = await openSet(ctx.ks, ctx.db, key);
      if (s === WRONGTYPE) return E.wrongType;
      return int(s === null ? 0 : s.count);
    },
  ),
  readCommand(
    'sismember',
    meta(3, ['readonly', 'fast'], K1, 'Determine if a given value is a member of a set', '1.0.0'),
    (argv) => ({ key: argv[1]!, member: argv[2]! }),
    async (ctx, { key, member }) => {
      const s = await openSet(ctx.ks, ctx.db, key);
      if (s === WRONGTYPE) return E.wrongType;
      return s !== null && (await s.get(member)) !== null ? ONE : ZERO;
    },
  ),
  readCommand(
    'smismember',
    meta(-3, ['readonly', 'fast'], K1, 'Returns the membership associated with the given elements for a set', '6.2.0', 'O(N) where N is the number of elements being checked for membership'),
    (argv) => ({ key: argv[1]!, members: argv.slice(2) }),
    async (ctx, { key, members }) => {
      const s = await openSet(ctx.ks, ctx.db, key);
      if (s === WRONGTYPE) return E.wrongType;
      if (s === null) return array(members.map(() => ZERO));
      return array((await s.getMany(members)).map((v) => (v === null ? ZERO : ONE)));
    },
  ),
  readCommand(
    'smembers',
    meta(2, ['readonly'], K1, 'Get all the members in a set', '1.0.0', 'O(N) where N is the set cardinality.'),
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const s = await openSet(ctx.ks, ctx.db, key);
      if (s === WRONGTYPE) return E.wrongType;
      if (s === null) return EMPTY_SET;
      return setReply(inRedisOrder(await readMembers(s), setEncoding(s.meta)));
    },
  ),
  writeCommand(
    'spop',
    meta(-2, ['write', 'fast'], K1, 'Remove and return one or multiple random members from a set', '1.0.0', 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.'),
    parseSpop,
    spop,
  ),
  readCommand(
    'srandmember',
    meta(-2, ['readonly'], K1, 'Get one or multiple random members from a set', '1.0.0', 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.'),
    parseSrandmember,
    srandmember,
  ),
  writeCommand(
    'smove',
    meta(4, ['write', 'fast'], { first: 1, last: 2, step: 1 }, 'Move a member from one set to another', '1.0.0'),
    (argv) => ({ src: argv[1]!, dst: argv[2]!, member: argv[3]! }),
    async (ctx, { src, dst, member }) => {
      // smoveCommand: a missing source answers 0 before the destination's type is checked.
      const from = await openSetForWrite(ctx.ks, ctx.db, src, false);
      if (from === null) return ZERO;
      if (from === WRONGTYPE) return E.wrongType;
      const dstMeta = await ctx.ks.meta(ctx.db, dst);
      if (dstMeta !== null && dstMeta.type !== KeyType.Set) return E.wrongType;
      // Moving within one set changes nothing; the reply still says whether the member is there.
      if (src.equals(dst)) return (await from.get(member)) !== null ? ONE : ZERO;
      if (!(await from.delete(member))) return ZERO;
      await commitSet(from);
      const to = await openSetForWrite(ctx.ks, ctx.db, dst, true);
      if (to === WRONGTYPE) return E.wrongType;
      await addMembers(to, [member]);
      await commitSet(to);
      return ONE;
    },
  ),
  algebraCommand('sinter', 'Intersect multiple sets', 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.'),
  readCommand(
    'sintercard',
    // Keys are found through numkeys (a keynum key spec), so there is no legacy key range.
    meta(-3, ['readonly'], null, 'Intersect multiple sets and return the cardinality of the result', '7.0.0', 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.'),
    parseSintercard,
    async (ctx, { keys, limit }) => {
      const sets = await openSets(ctx.ks, ctx.db, keys);
      if (sets === WRONGTYPE) return E.wrongType;
      return int((await interOf(sets, limit)).length);
    },
  ),
  storeCommand('sinter', 'Intersect multiple sets and store the resulting set in a key', 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.'),
  algebraCommand('sunion', 'Add multiple sets', 'O(N) where N is the total number of elements in all given sets.'),
  storeCommand('sunion', 'Add multiple sets and store the resulting set in a key', 'O(N) where N is the total number of elements in all given sets.'),
  algebraCommand('sdiff', 'Subtract multiple sets', 'O(N) where N is the total number of elements in all given sets.'),
  storeCommand('sdiff', 'Subtract multiple sets and store the resulting set in a key', 'O(N) where N is the total number of elements in all given sets.'),
  readCommand(
    'sscan',
    meta(-3, ['readonly'], K1, 'Incrementally iterate Set elements', '2.8.0', 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.'),
    parseScanArgs,
    (ctx, a) => scanCollection(ctx, a, setScan),
  ),
];
