// Hash commands (Redis t_hash.c): argument parsing and replies; storage in
// state-machine/types/hash.ts on the shared collection encoding (types/collection.ts).
//
// Field order: redis-server lists a small (listpack) hash in insertion order and a large one in
// hash-table order; pikiraft always lists fields in byte order, the order they are stored in.
// HKEYS, HVALS, HGETALL, HSCAN and HRANDFIELD are documented as nondeterministic in order.
import { array, bulk, EMPTY_ARRAY, int, map, NULL, OK, ONE, ZERO, type Reply, pairs } from '../resp/reply.js';
import { addLongDouble, formatLongDoubleHuman, ldZero, type LongDouble } from '../resp/double.js';
import type { Entry } from '../state-machine/types/collection.js';
import { WRONGTYPE, type CollectionView } from '../state-machine/types/collection.js';
import { commitHash, hashEncoding, openHash, openHashForWrite, setHashFields } from '../state-machine/types/hash.js';
import type { Rng } from '../util/rng.js';
import { eqIgnoreCase, INT64_MAX, INT64_MIN, parseInt64, parseLongDouble } from './args.js';
import type { ReadContext } from './context.js';
import { parseScanArgs, scanCollection, type CollectionScan } from './collection-scan.js';
import { E } from './errors.js';
import { fail, readCommand, writeCommand, type Command, type CommandFlag, type ParseResult } from './table.js';

const K1 = { first: 1, last: 1, step: 1 };
const docs = (summary: string, since: string, complexity = 'O(1)') => ({ summary, since, group: 'hash', complexity });
const meta = (arity: number, flags: readonly CommandFlag[], summary: string, since: string, complexity?: string) => ({
  arity,
  flags,
  keys: K1,
  // @read/@write/@fast/@slow follow from the flags (table.ts withImplicitCategories).
  acl: ['@hash'],
  docs: docs(summary, since, complexity),
});

/** Redis's LONG_MAX / 2: HRANDFIELD ... WITHVALUES refuses counts whose reply length would overflow. */
const WITHVALUES_COUNT_ABS_MAX = INT64_MAX / 2n;
/**
 * A negative HRANDFIELD count may repeat fields, so the reply is not bounded by the hash.
 * redis-server builds it whatever its size; pikiraft holds a reply in memory before sending it
 * and refuses larger counts (about 50 MB of reply objects at this limit).
 */
const RANDOM_REPEATED_COUNT_MAX = 1_000_000;
/**
 * Hashes up to this many fields are read whole to pick random fields, which is exactly uniform;
 * larger ones are sampled with random seeks (O(log N) each, roughly uniform, as RANDOMKEY).
 */
const RANDOM_READ_ALL_FIELDS_MAX = 1000;
/**
 * A random seek costs about as much as reading this many fields in order: when a call needs
 * that many seeks per field of the hash, reading the hash once is cheaper (and exact).
 */
const RANDOM_SEEK_COST_IN_FIELDS = 8;

const sampleBySeeks = (h: CollectionView, n: number): boolean =>
  h.count > RANDOM_READ_ALL_FIELDS_MAX && n * RANDOM_SEEK_COST_IN_FIELDS < h.count;
/** Random seeks tried per requested distinct field before falling back to reading the hash. */
const RANDOM_DISTINCT_PROBES_PER_FIELD = 4;

const allEntries = async (h: CollectionView): Promise<Entry[]> => {
  const out: Entry[] = [];
  for await (const e of h.entries()) out.push(e);
  return out;
};

/** Field/value pairs of HRANDFIELD ... WITHVALUES: flat in RESP2, two-element arrays in RESP3. */
function pairsReply(entries: readonly Entry[]): Reply {
  return pairs(entries.map((e) => [bulk(e.field), bulk(e.value)] as const));
}

function fieldsOrPairs(entries: readonly Entry[], withValues: boolean): Reply {
  return withValues ? pairsReply(entries) : array(entries.map((e) => bulk(e.field)));
}

// ---- HRANDFIELD ------------------------------------------------------------------------------

interface RandArgs {
  key: Buffer;
  /** null: no count argument (reply is one bulk string). */
  count: bigint | null;
  withValues: boolean;
}

/** hrandfieldCommand: the count is checked before the key is looked up, as in t_hash.c. */
function parseHrandfield(argv: readonly Buffer[]): ParseResult<RandArgs> {
  const key = argv[1]!;
  if (argv.length < 3) return { key, count: null, withValues: false };
  const count = parseInt64(argv[2]!);
  if (count === null) return fail(E.notInteger);
  if (count < -INT64_MAX) return fail(E.valueOutOfRangeBetween(-INT64_MAX, INT64_MAX));
  if (argv.length > 4 || (argv.length === 4 && !eqIgnoreCase(argv[3]!, 'withvalues'))) return fail(E.syntax);
  const withValues = argv.length === 4;
  if (withValues && (count < -WITHVALUES_COUNT_ABS_MAX || count > WITHVALUES_COUNT_ABS_MAX)) return fail(E.valueOutOfRange);
  return { key, count, withValues };
}

async function hrandfield(ctx: ReadContext, a: RandArgs): Promise<Reply> {
  const h = await openHash(ctx.ks, ctx.db, a.key);
  if (h === WRONGTYPE) return E.wrongType;
  if (a.count === null) {
    if (h === null) return NULL;
    const [one] = await randomWithRepeats(h, 1, ctx.rng);
    return bulk(one!.field);
  }
  if (h === null || a.count === 0n) return EMPTY_ARRAY;
  // hrandfieldWithCountCommand: a negative count samples with repetition; so does a count of 1.
  if (a.count < 0n || a.count === 1n) {
    const n = a.count < 0n ? -a.count : a.count;
    if (n > BigInt(RANDOM_REPEATED_COUNT_MAX)) return E.randomCountTooLarge(RANDOM_REPEATED_COUNT_MAX);
    return fieldsOrPairs(await randomWithRepeats(h, Number(n), ctx.rng), a.withValues);
  }
  // A count at least the size of the hash returns the whole hash.
  if (a.count >= BigInt(h.count)) return fieldsOrPairs(await allEntries(h), a.withValues);
  return fieldsOrPairs(await randomDistinct(h, Number(a.count), ctx.rng), a.withValues);
}

/** `n` fields drawn independently (repeats allowed). */
async function randomWithRepeats(h: CollectionView, n: number, rng: Rng): Promise<Entry[]> {
  const out: Entry[] = [];
  if (!sampleBySeeks(h, n)) {
    const all = await allEntries(h);
    for (let i = 0; i < n; i++) out.push(all[rng.int(all.length)]!);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const e = await h.randomEntry(rng);
    if (e === null) break;
    out.push(e);
  }
  return out;
}

/** `n` distinct fields (n < size) in random order. */
async function randomDistinct(h: CollectionView, n: number, rng: Rng): Promise<Entry[]> {
  // Redis too copies the whole hash when more than a third of it is asked for (CASE 3); seeks
  // are used only for far smaller samples.
  if (sampleBySeeks(h, n)) {
    const seen = new Set<string>();
    const out: Entry[] = [];
    for (let probes = RANDOM_DISTINCT_PROBES_PER_FIELD * n; probes > 0 && out.length < n; probes--) {
      const e = await h.randomEntry(rng);
      if (e === null) break;
      const id = e.field.toString('latin1');
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(e);
    }
    if (out.length === n) return out;
    // The seeks kept landing on the same fields (a very uneven field space): sample exactly.
  }
  const all = await allEntries(h);
  // Partial Fisher-Yates: the first n slots become a uniform random n-subset in random order.
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(all.length - i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n);
}

// ---- HSCAN -----------------------------------------------------------------------------------

/** HSCAN replies field/value pairs; a listpack-sized hash is returned whole. */
const hashScan: CollectionScan<CollectionView, Entry> = {
  open: (ctx, key) => openHash(ctx.ks, ctx.db, key),
  whole: (h) => (hashEncoding(h.meta) === 'listpack' ? h.entries() : null),
  page: (h, after, limit) => h.entries({ after, limit }),
  name: (e) => e.field,
  emit: (e, items) => items.push(bulk(e.field), bulk(e.value)),
};

// ---- the commands ----------------------------------------------------------------------------

function hsetCommand(name: 'hset' | 'hmset', summary: string, since: string, complexity: string): Command {
  return writeCommand(
    name,
    meta(-4, ['write', 'denyoom', 'fast'], summary, since, complexity),
    (argv): ParseResult<{ key: Buffer; pairs: [Buffer, Buffer][] }> => {
      // hsetCommand checks the pairing itself (arity only says "at least one pair").
      if (argv.length % 2 === 1) return fail(E.wrongArity(name));
      const pairs: [Buffer, Buffer][] = [];
      for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!, argv[i + 1]!]);
      return { key: argv[1]!, pairs };
    },
    async (ctx, { key, pairs }) => {
      const w = await openHashForWrite(ctx.ks, ctx.db, key, true);
      if (w === WRONGTYPE) return E.wrongType;
      const created = await setHashFields(w, pairs);
      await commitHash(w);
      return name === 'hset' ? int(created) : OK;
    },
  );
}

/** HINCRBY and HINCRBYFLOAT: parse the increment first, then look up, as t_hash.c does. */
function incrCommand<I>(
  name: string,
  summary: string,
  since: string,
  parseIncr: (arg: Buffer) => I | { error: Reply },
  apply: (current: Buffer | null, incr: I) => { value: Buffer; reply: Reply } | { error: Reply },
): Command {
  return writeCommand(
    name,
    meta(4, ['write', 'denyoom', 'fast'], summary, since),
    (argv): ParseResult<{ key: Buffer; field: Buffer; incr: I }> => {
      const incr = parseIncr(argv[3]!);
      if (typeof incr === 'object' && incr !== null && 'error' in incr) return incr;
      return { key: argv[1]!, field: argv[2]!, incr: incr as I };
    },
    async (ctx, { key, field, incr }) => {
      const w = await openHashForWrite(ctx.ks, ctx.db, key, true);
      if (w === WRONGTYPE) return E.wrongType;
      const result = apply(await w.get(field), incr);
      if ('error' in result) return result.error;
      await setHashFields(w, [[field, result.value]]);
      await commitHash(w);
      return result.reply;
    },
  );
}

export const hashCommands: Command[] = [
  hsetCommand('hset', 'Set the string value of a hash field', '2.0.0', 'O(N)'),
  hsetCommand('hmset', 'Set multiple hash fields to multiple values', '2.0.0', 'O(N)'),
  writeCommand(
    'hsetnx',
    meta(4, ['write', 'denyoom', 'fast'], 'Set the value of a hash field, only if the field does not exist', '2.0.0'),
    (argv) => ({ key: argv[1]!, field: argv[2]!, value: argv[3]! }),
    async (ctx, { key, field, value }) => {
      const w = await openHashForWrite(ctx.ks, ctx.db, key, true);
      if (w === WRONGTYPE) return E.wrongType;
      if ((await w.get(field)) !== null) return ZERO;
      await setHashFields(w, [[field, value]]);
      await commitHash(w);
      return ONE;
    },
  ),
  readCommand(
    'hget',
    meta(3, ['readonly', 'fast'], 'Get the value of a hash field', '2.0.0'),
    (argv) => ({ key: argv[1]!, field: argv[2]! }),
    async (ctx, { key, field }) => {
      const h = await openHash(ctx.ks, ctx.db, key);
      if (h === WRONGTYPE) return E.wrongType;
      const v = h === null ? null : await h.get(field);
      return v === null ? NULL : bulk(v);
    },
  ),
  readCommand(
    'hmget',
    meta(-3, ['readonly', 'fast'], 'Get the values of all the given hash fields', '2.0.0', 'O(N)'),
    (argv) => ({ key: argv[1]!, fields: argv.slice(2) }),
    async (ctx, { key, fields }) => {
      const h = await openHash(ctx.ks, ctx.db, key);
      if (h === WRONGTYPE) return E.wrongType;
      if (h === null) return array(fields.map(() => NULL));
      return array((await h.getMany(fields)).map((v) => (v === null ? NULL : bulk(v))));
    },
  ),
  writeCommand(
    'hdel',
    meta(-3, ['write', 'fast'], 'Delete one or more hash fields', '2.0.0', 'O(N)'),
    (argv) => ({ key: argv[1]!, fields: argv.slice(2) }),
    async (ctx, { key, fields }) => {
      const w = await openHashForWrite(ctx.ks, ctx.db, key, false);
      if (w === null) return ZERO;
      if (w === WRONGTYPE) return E.wrongType;
      const deleted = await w.deleteMany(fields);
      // Deleting the last field deletes the key: an empty hash never exists.
      await commitHash(w);
      return int(deleted);
    },
  ),
  readCommand(
    'hlen',
    meta(2, ['readonly', 'fast'], 'Get the number of fields in a hash', '2.0.0'),
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const h = await openHash(ctx.ks, ctx.db, key);
      if (h === WRONGTYPE) return E.wrongType;
      return int(h === null ? 0 : h.count);
    },
  ),
  readCommand(
    'hstrlen',
    meta(3, ['readonly', 'fast'], 'Get the length of the value of a hash field', '3.2.0'),
    (argv) => ({ key: argv[1]!, field: argv[2]! }),
    async (ctx, { key, field }) => {
      const h = await openHash(ctx.ks, ctx.db, key);
      if (h === WRONGTYPE) return E.wrongType;
      const v = h === null ? null : await h.get(field);
      return int(v === null ? 0 : v.length);
    },
  ),
  readCommand(
    'hexists',
    meta(3, ['readonly', 'fast'], 'Determine if a hash field exists', '2.0.0'),
    (argv) => ({ key: argv[1]!, field: argv[2]! }),
    async (ctx, { key, field }) => {
      const h = await openHash(ctx.ks, ctx.db, key);
      if (h === WRONGTYPE) return E.wrongType;
      return h !== null && (await h.get(field)) !== null ? ONE : ZERO;
    },
  ),
  ...(
    [
      ['hkeys', 'Get all the fields in a hash', (es: Entry[]) => array(es.map((e) => bulk(e.field))), EMPTY_ARRAY],
      ['hvals', 'Get all the values in a hash', (es: Entry[]) => array(es.map((e) => bulk(e.value))), EMPTY_ARRAY],
      ['hgetall', 'Get all the fields and values in a hash', (es: Entry[]) => map(es.map((e) => [bulk(e.field), bulk(e.value)] as const)), map([])],
    ] as const
  ).map(([name, summary, render, empty]) =>
    readCommand(
      name,
      meta(2, ['readonly'], summary, '2.0.0', 'O(N)'),
      (argv) => ({ key: argv[1]! }),
      async (ctx, { key }) => {
        const h = await openHash(ctx.ks, ctx.db, key);
        if (h === WRONGTYPE) return E.wrongType;
        return h === null ? empty : render(await allEntries(h));
      },
    ),
  ),
  incrCommand<bigint>(
    'hincrby',
    'Increment the integer value of a hash field by the given number',
    '2.0.0',
    (arg) => parseInt64(arg) ?? fail(E.notInteger),
    (current, incr) => {
      const cur = current === null ? 0n : parseInt64(current);
      if (cur === null) return fail(E.hashValueNotInteger);
      const next = cur + incr;
      if (next > INT64_MAX || next < INT64_MIN) return fail(E.overflow);
      return { value: Buffer.from(next.toString(), 'latin1'), reply: int(next) };
    },
  ),
  incrCommand<LongDouble>(
    'hincrbyfloat',
    'Increment the float value of a hash field by the given amount',
    '2.6.0',
    (arg) => {
      const incr = parseLongDouble(arg);
      if (incr === null) return fail(E.notFloat);
      if (incr.kind === 'inf') return fail(E.valueNanOrInfinity);
      return incr;
    },
    // x87 long double arithmetic and "%.17Lf" formatting, as INCRBYFLOAT (resp/double.ts): pure,
    // so every replica stores the same bytes.
    (current, incr) => {
      const cur = current === null ? ldZero(false) : parseLongDouble(current);
      if (cur === null) return fail(E.hashValueNotFloat);
      const next = addLongDouble(cur, incr);
      if (next === null || next.kind === 'inf') return fail(E.nanOrInfinity);
      const text = Buffer.from(formatLongDoubleHuman(next), 'latin1');
      return { value: text, reply: bulk(text) };
    },
  ),
  readCommand(
    'hrandfield',
    meta(-2, ['readonly'], 'Get one or multiple random fields from a hash', '6.2.0', 'O(N) where N is the number of fields returned'),
    parseHrandfield,
    hrandfield,
  ),
  readCommand(
    'hscan',
    meta(-3, ['readonly'], 'Incrementally iterate hash fields and associated values', '2.8.0', 'O(1) for every call. O(N) for a complete iteration.'),
    parseScanArgs,
    (ctx, a) => scanCollection(ctx, a, hashScan),
  ),
];
