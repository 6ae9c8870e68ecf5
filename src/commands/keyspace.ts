// Keyspace commands (Redis db.c / expire.c): DEL, EXISTS, TYPE, TTL and EXPIRE families, SCAN, ...
import { setEncoding } from '../state-machine/types/set.js';
import { hashEncoding } from '../state-machine/types/hash.js';
import { zsetEncoding } from '../state-machine/types/zset.js';
import { array, bulk, int, NULL, OK, ONE, simple, ZERO, type Reply } from '../resp/reply.js';
import { dataPrefix, hasDataRecords, KeyType, metaRange, TYPE_NAMES, userKeyFromMetaKey, type Meta } from '../state-machine/encoding.js';
import { isChunked } from '../state-machine/types/string-fragments.js';
import type { DbMapping, Keyspace } from '../state-machine/keyspace.js';
import { globMatch } from '../util/glob.js';
import { INT64_MAX, parseInt64, parseSafeInt } from './args.js';
import type { ReadContext, WriteContext } from './context.js';
import { E } from './errors.js';
import { helpReply } from './command.js';
import { containerCommand, fail, localCommand, readCommand, writeCommand, type Command, type ParseResult } from './table.js';

const ALL_KEYS = { first: 1, last: -1, step: 1 };
const K1 = { first: 1, last: 1, step: 1 };
const docs = (summary: string, since: string, complexity = 'O(1)') => ({ summary, since, group: 'generic', complexity });

// ---- expiry ------------------------------------------------------------------------------

type ExpireUnit = { name: string; msPerUnit: bigint; absolute: boolean };

interface ExpireArgs {
  key: Buffer;
  when: bigint;
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

function parseExpire() {
  return (argv: readonly Buffer[]): ParseResult<ExpireArgs> => {
    // expire.c parses the options before the time, so option errors win.
    const a: ExpireArgs = { key: argv[1]!, when: 0n, nx: false, xx: false, gt: false, lt: false };
    for (const raw of argv.slice(3)) {
      const opt = raw.toString('latin1').toLowerCase();
      if (opt === 'nx') a.nx = true;
      else if (opt === 'xx') a.xx = true;
      else if (opt === 'gt') a.gt = true;
      else if (opt === 'lt') a.lt = true;
      else return fail(E.unsupportedOption(raw));
    }
    if (a.nx && (a.xx || a.gt || a.lt)) return fail(E.nxWithOtherConditions);
    if (a.gt && a.lt) return fail(E.gtAndLt);
    const when = parseInt64(argv[2]!);
    if (when === null) return fail(E.notInteger);
    a.when = when;
    return a;
  };
}

async function expireGeneric(ctx: WriteContext, unit: ExpireUnit, a: ExpireArgs): Promise<Reply> {
  // expire.c expireGenericCommand: overflow checks first, then the existence and option checks.
  let when = a.when * unit.msPerUnit;
  if (when / unit.msPerUnit !== a.when || when > INT64_MAX || when < -INT64_MAX - 1n) return E.invalidExpireTime(unit.name);
  if (!unit.absolute) {
    when += BigInt(ctx.nowMs);
    if (when > INT64_MAX) return E.invalidExpireTime(unit.name);
  }
  const meta = await ctx.ks.meta(ctx.db, a.key);
  if (meta === null) return ZERO;
  const current = meta.expireAtMs === 0 ? null : BigInt(meta.expireAtMs);
  if (a.nx && current !== null) return ZERO;
  if (a.xx && current === null) return ZERO;
  if (a.gt && (current === null || when <= current)) return ZERO;
  if (a.lt && current !== null && when >= current) return ZERO;
  if (when <= BigInt(ctx.nowMs)) {
    await ctx.ks.deleteKey(ctx.db, a.key);
    return ONE;
  }
  await ctx.ks.writeMeta(ctx.db, a.key, { ...meta, expireAtMs: Number(when > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : when) });
  return ONE;
}

const EXPIRE_UNITS: [string, ExpireUnit, string, string][] = [
  ['expire', { name: 'expire', msPerUnit: 1000n, absolute: false }, "Sets the expiration time of a key in seconds.", '1.0.0'],
  ['pexpire', { name: 'pexpire', msPerUnit: 1n, absolute: false }, 'Sets the expiration time of a key in milliseconds.', '2.6.0'],
  ['expireat', { name: 'expireat', msPerUnit: 1000n, absolute: true }, 'Sets the expiration time of a key to a Unix timestamp.', '1.2.0'],
  ['pexpireat', { name: 'pexpireat', msPerUnit: 1n, absolute: true }, 'Sets the expiration time of a key to a Unix milliseconds timestamp.', '2.6.0'],
];

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing key, -1 without expiry. */
function ttlCommand(name: string, summary: string, since: string, render: (expireAtMs: number, nowMs: number) => number): Command {
  return readCommand(
    name,
    { arity: 2, flags: ['readonly', 'fast'], keys: K1, acl: ['@keyspace', '@read', '@fast'], docs: docs(summary, since) },
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta === null) return int(-2);
      if (meta.expireAtMs === 0) return int(-1);
      return int(render(meta.expireAtMs, ctx.ks.nowMs));
    },
  );
}

// ---- iteration ---------------------------------------------------------------------------

/** EXISTS and TOUCH: how many of the keys exist (repeats count), with one batched read. */
async function countExisting(ctx: ReadContext, { keys }: { keys: readonly Buffer[] }): Promise<Reply> {
  const metas = await Promise.all(keys.map((k) => ctx.ks.meta(ctx.db, k)));
  return int(metas.filter((m) => m !== null).length);
}

/** First and last user key stored in the database (live or not), or null when it is empty. */
async function keyBounds(ks: Keyspace, db: number): Promise<{ first: Buffer; last: Buffer } | null> {
  const range = metaRange(ks.physical(db));
  const edge = async (reverse: boolean): Promise<Buffer | null> => {
    for await (const { key } of ks.reader.iterate({ ...range, reverse, limit: 1, keysOnly: true })) return userKeyFromMetaKey(key);
    return null;
  };
  const [first, last] = await Promise.all([edge(false), edge(true)]);
  return first === null || last === null ? null : { first: Buffer.from(first), last: Buffer.from(last) };
}

/** A random byte string ordered between `first` (exclusive start point) and `last`. */
function randomBetween(first: Buffer, last: Buffer, rng: { int(n: number): number }): Buffer {
  let p = 0;
  while (p < first.length && p < last.length && first[p] === last[p]) p++;
  const lo = p < first.length ? first[p]! : 0;
  const hi = p < last.length ? last[p]! : 255;
  const head = Buffer.concat([last.subarray(0, p), Buffer.from([lo + rng.int(Math.max(1, hi - lo + 1))])]);
  const tail = Buffer.from(Array.from({ length: 8 }, () => rng.int(256)));
  return Buffer.concat([head, tail]);
}

function typeName(meta: Meta): string {
  return TYPE_NAMES[meta.type];
}

async function scanFrom(ks: Keyspace, db: number, after: Buffer | null, count: number, match: Buffer | null, type: string | null) {
  const keys: Buffer[] = [];
  let last: Buffer | null = null;
  let examined = 0;
  let exhausted = true;
  for await (const { key, meta } of ks.liveKeys(db, after)) {
    last = key;
    if ((match === null || globMatch(match, key)) && (type === null || typeName(meta) === type)) keys.push(Buffer.from(key));
    if (++examined >= count) {
      exhausted = false;
      break;
    }
  }
  return { keys, last: exhausted ? null : last };
}

function flushTo(mapping: DbMapping, dbs: readonly number[]): { mapping: DbMapping; dropped: number[] } {
  const ids = [...mapping.ids];
  let nextId = mapping.nextId;
  const dropped: number[] = [];
  for (const db of dbs) {
    dropped.push(ids[db]!);
    ids[db] = nextId++;
  }
  return { mapping: { ids, nextId }, dropped };
}

function flushCommand(name: 'flushdb' | 'flushall', summary: string, since: string): Command {
  return writeCommand(
    name,
    { arity: -1, flags: ['write'], keys: null, acl: ['@keyspace', '@write', '@slow', '@dangerous'], docs: docs(summary, since, 'O(1)') },
    (argv): ParseResult<{ all: boolean }> => {
      if (argv.length > 2) return fail(E.syntax);
      if (argv.length === 2 && !['async', 'sync'].includes(argv[1]!.toString('latin1').toLowerCase())) return fail(E.syntax);
      return { all: name === 'flushall' };
    },
    async (ctx, { all }) => {
      // O(1): the databases get fresh keyspace ids; the old ones are garbage-collected in the background.
      const dbs = all ? ctx.ks.dbMapping.ids.map((_, i) => i) : [ctx.db];
      const { mapping, dropped } = flushTo(ctx.ks.dbMapping, dbs);
      ctx.ks.dbMapping = mapping;
      for (const keyspaceId of dropped) ctx.ks.enqueueGc({ kind: 'keyspace', keyspaceId });
      return OK;
    },
  );
}

export const keyspaceCommands: Command[] = [
  ...(['del', 'unlink'] as const).map((name) =>
    writeCommand(
      name,
      { arity: -2, flags: name === 'del' ? ['write'] : ['write', 'fast'], keys: ALL_KEYS, acl: ['@keyspace', '@write', name === 'del' ? '@slow' : '@fast'], docs: docs(name === 'del' ? 'Deletes one or more keys.' : 'Asynchronously deletes one or more keys.', name === 'del' ? '1.0.0' : '4.0.0', 'O(N)') },
      (argv) => ({ keys: argv.slice(1) }),
      async (ctx, { keys }) => {
        let n = 0;
        for (const key of keys) if (await ctx.ks.deleteKey(ctx.db, key)) n++;
        return int(n);
      },
    ),
  ),
  readCommand(
    'exists',
    { arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS, acl: ['@keyspace', '@read', '@fast'], docs: docs('Determines whether one or more keys exist.', '1.0.0', 'O(N)') },
    (argv) => ({ keys: argv.slice(1) }),
    countExisting,
  ),
  readCommand(
    'type',
    { arity: 2, flags: ['readonly', 'fast'], keys: K1, acl: ['@keyspace', '@read', '@fast'], docs: docs('Determines the type of value stored at a key.', '1.0.0') },
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      return simple(meta === null ? 'none' : typeName(meta));
    },
  ),
  ...EXPIRE_UNITS.map(([name, unit, summary, since]) =>
    writeCommand(
      name,
      { arity: -3, flags: ['write', 'fast'], keys: K1, acl: ['@keyspace', '@write', '@fast'], docs: docs(summary, since) },
      parseExpire(),
      (ctx, a) => expireGeneric(ctx, unit, a),
    ),
  ),
  ttlCommand('ttl', 'Returns the expiration time in seconds of a key.', '1.0.0', (at, now) => Math.floor((Math.max(0, at - now) + 500) / 1000)),
  ttlCommand('pttl', 'Returns the expiration time in milliseconds of a key.', '2.6.0', (at, now) => Math.max(0, at - now)),
  ttlCommand('expiretime', 'Returns the expiration time of a key as a Unix timestamp.', '7.0.0', (at) => Math.floor(at / 1000)),
  ttlCommand('pexpiretime', 'Returns the expiration time of a key as a Unix milliseconds timestamp.', '7.0.0', (at) => at),
  writeCommand(
    'persist',
    { arity: 2, flags: ['write', 'fast'], keys: K1, acl: ['@keyspace', '@write', '@fast'], docs: docs('Removes the expiration time of a key.', '2.2.0') },
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta === null || meta.expireAtMs === 0) return ZERO;
      await ctx.ks.writeMeta(ctx.db, key, { ...meta, expireAtMs: 0 });
      return ONE;
    },
  ),
  readCommand(
    'dbsize',
    { arity: 1, flags: ['readonly', 'fast'], keys: null, acl: ['@keyspace', '@read', '@fast'], docs: docs('Returns the number of keys in the database.', '1.0.0') },
    () => ({}),
    (ctx) => int(ctx.counts(ctx.db).keys),
  ),
  flushCommand('flushdb', 'Removes all keys from the current database.', '1.0.0'),
  flushCommand('flushall', 'Removes all keys from all databases.', '1.0.0'),
  readCommand(
    'keys',
    { arity: 2, flags: ['readonly'], keys: null, acl: ['@keyspace', '@read', '@slow', '@dangerous'], docs: docs('Returns all key names that match a pattern.', '1.0.0', 'O(N)') },
    (argv) => ({ pattern: argv[1]! }),
    async (ctx, { pattern }) => {
      const out: Reply[] = [];
      const all = pattern.length === 1 && pattern[0] === 0x2a;
      for await (const { key } of ctx.ks.liveKeys(ctx.db, null)) if (all || globMatch(pattern, key)) out.push(bulk(Buffer.from(key)));
      return array(out);
    },
  ),
  readCommand(
    'scan',
    { arity: -2, flags: ['readonly'], keys: null, acl: ['@keyspace', '@read', '@slow'], docs: docs('Iterates over the key names in the database.', '2.8.0', 'O(1) for every call. O(N) for a complete iteration.') },
    (argv): ParseResult<{ cursor: bigint; count: number; match: Buffer | null; type: string | null }> => {
      const cursorText = argv[1]!.toString('latin1');
      if (!/^\d+$/.test(cursorText) || BigInt(cursorText) > 18446744073709551615n) return fail(E.invalidCursor);
      let count = 10;
      let match: Buffer | null = null;
      let type: string | null = null;
      for (let i = 2; i < argv.length; i += 2) {
        const opt = argv[i]!.toString('latin1').toLowerCase();
        const value = argv[i + 1];
        if (value === undefined) return fail(E.syntax);
        if (opt === 'count') {
          const n = parseSafeInt(value);
          if (n === null) return fail(E.notInteger);
          if (n < 1) return fail(E.syntax);
          count = n;
        } else if (opt === 'match') match = value;
        else if (opt === 'type') type = value.toString('latin1').toLowerCase();
        else return fail(E.syntax);
      }
      return { cursor: BigInt(cursorText), count, match, type };
    },
    async (ctx, a) => {
      const after = a.cursor === 0n ? null : ctx.scanCursors.resolve(a.cursor);
      const { keys, last } = await scanFrom(ctx.ks, ctx.db, after, a.count, a.match, a.type);
      const next = last === null ? 0n : ctx.scanCursors.register(last);
      return array([bulk(next.toString()), array(keys.map((k) => bulk(k)))]);
    },
  ),
];


// ---- rename, swap ---------------------------------------------------------------------------

/**
 * Moves `from` to `to` (any type): strings move inside the meta record; a collection's data
 * records are copied under a fresh version of the new key and the old version is queued for GC.
 */
async function moveKey(ctx: WriteContext, fromDb: number, from: Buffer, toDb: number, to: Buffer, meta: Meta): Promise<void> {
  await copyKey(ctx, fromDb, from, toDb, to, meta);
  await ctx.ks.deleteKey(fromDb, from);
}

/** Writes a copy of `from` (meta, expiry and, for collections, every data record) as `to`. */
async function copyKey(ctx: WriteContext, fromDb: number, from: Buffer, toDb: number, to: Buffer, meta: Meta): Promise<void> {
  let moved = meta;
  if (hasDataRecords(meta)) {
    const version = ctx.ks.newVersion();
    const src = dataPrefix(ctx.ks.physical(fromDb), from, meta.version);
    const dst = dataPrefix(ctx.ks.physical(toDb), to, version);
    const end = dataPrefix(ctx.ks.physical(fromDb), from, meta.version + 1n);
    for await (const { key, value } of ctx.ks.overlay.iterate({ gte: src, lt: end })) {
      ctx.ks.overlay.put(Buffer.concat([dst, key.subarray(src.length)]), Buffer.from(value));
    }
    moved = { ...meta, version };
  }
  await ctx.ks.writeMeta(toDb, to, moved);
}

function renameCommand(name: 'rename' | 'renamenx', summary: string, since: string): Command {
  return writeCommand(
    name,
    { arity: 3, flags: name === 'rename' ? ['write'] : ['write', 'fast'], keys: { first: 1, last: 2, step: 1 }, acl: ['@keyspace', '@write', name === 'rename' ? '@slow' : '@fast'], docs: docs(summary, since) },
    (argv) => ({ from: argv[1]!, to: argv[2]! }),
    async (ctx, { from, to }) => {
      const meta = await ctx.ks.meta(ctx.db, from);
      if (meta === null) return E.noSuchKey;
      if (from.equals(to)) return name === 'rename' ? OK : ZERO;
      if (name === 'renamenx' && (await ctx.ks.meta(ctx.db, to)) !== null) return ZERO;
      await moveKey(ctx, ctx.db, from, ctx.db, to, meta);
      return name === 'rename' ? OK : ONE;
    },
  );
}

function parseDbIndex(arg: Buffer, which: 'first' | 'second'): number | Reply {
  const db = parseSafeInt(arg);
  if (db === null) return which === 'first' ? E.invalidFirstDb : E.invalidSecondDb;
  if (db < 0 || db >= ALL_DBS) return E.dbIndexOutOfRange;
  return db;
}

const ALL_DBS = 16;

keyspaceCommands.push(
  writeCommand(
    'move',
    { arity: 3, flags: ['write', 'fast'], keys: K1, acl: ['@keyspace', '@write', '@fast'], docs: docs('Moves a key to another database.', '1.0.0') },
    (argv): ParseResult<{ key: Buffer; db: number }> => {
      const n = parseInt64(argv[2]!);
      if (n === null || n > 2147483647n || n < -2147483648n) return fail(E.notInteger);
      if (n < 0n || n >= BigInt(ALL_DBS)) return fail(E.dbIndexOutOfRange);
      return { key: argv[1]!, db: Number(n) };
    },
    async (ctx, { key, db }) => {
      if (db === ctx.db) return E.sameObject;
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta === null) return ZERO;
      if ((await ctx.ks.meta(db, key)) !== null) return ZERO;
      await moveKey(ctx, ctx.db, key, db, key, meta);
      return ONE;
    },
  ),
  writeCommand(
    'copy',
    { arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: 2, step: 1 }, acl: ['@keyspace', '@write', '@slow'], docs: docs('Copies the value of a key to a new key.', '6.2.0', 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.') },
    (argv): ParseResult<{ from: Buffer; to: Buffer; db: number | null; replace: boolean }> => {
      let db: number | null = null;
      let replace = false;
      for (let i = 3; i < argv.length; i++) {
        const opt = argv[i]!.toString('latin1').toLowerCase();
        if (opt === 'replace') replace = true;
        else if (opt === 'db' && i + 1 < argv.length) {
          const n = parseInt64(argv[++i]!);
          if (n === null) return fail(E.notInteger);
          if (n < 0n || n >= BigInt(ALL_DBS)) return fail(E.dbIndexOutOfRange);
          db = Number(n);
        } else return fail(E.syntax);
      }
      return { from: argv[1]!, to: argv[2]!, db, replace };
    },
    async (ctx, { from, to, db, replace }) => {
      const dstDb = db ?? ctx.db;
      if (dstDb === ctx.db && from.equals(to)) return E.sameObject;
      const meta = await ctx.ks.meta(ctx.db, from);
      if (meta === null) return ZERO;
      if ((await ctx.ks.meta(dstDb, to)) !== null) {
        if (!replace) return ZERO;
        await ctx.ks.deleteKey(dstDb, to);
      }
      await copyKey(ctx, ctx.db, from, dstDb, to, meta);
      return ONE;
    },
  ),
  readCommand(
    'randomkey',
    { arity: 1, flags: ['readonly'], keys: null, acl: ['@keyspace', '@read', '@slow'], docs: docs('Returns a random key name from the database.', '1.0.0') },
    () => ({}),
    async (ctx) => {
      // Seek to a random point between the first and last key and take the next live key,
      // wrapping around once: O(log N), roughly uniform, not exactly (gaps favour the key after them).
      const bounds = await keyBounds(ctx.ks, ctx.db);
      if (bounds === null) return NULL;
      const probe = randomBetween(bounds.first, bounds.last, ctx.rng);
      for (const after of [probe, null]) {
        for await (const { key } of ctx.ks.liveKeys(ctx.db, after)) return bulk(Buffer.from(key));
      }
      return NULL;
    },
  ),
  renameCommand('rename', 'Renames a key and overwrites the destination.', '1.0.0'),
  renameCommand('renamenx', 'Renames a key only when the target key name doesn\'t exist.', '1.0.0'),
  readCommand(
    'touch',
    { arity: -2, flags: ['readonly', 'fast'], keys: ALL_KEYS, acl: ['@keyspace', '@read', '@fast'], docs: docs('Returns the number of existing keys out of those specified after updating the time they were last accessed.', '3.2.1', 'O(N)') },
    (argv) => ({ keys: argv.slice(1) }),
    countExisting,
  ),
  writeCommand(
    'swapdb',
    { arity: 3, flags: ['write', 'fast'], keys: null, acl: ['@keyspace', '@write', '@fast', '@dangerous'], docs: docs('Swaps two Redis databases.', '4.0.0', 'O(N) where N is the count of clients watching or blocking on keys from both databases.') },
    (argv): ParseResult<{ a: number; b: number }> => {
      const a = parseDbIndex(argv[1]!, 'first');
      if (typeof a !== 'number') return fail(a);
      const b = parseDbIndex(argv[2]!, 'second');
      if (typeof b !== 'number') return fail(b);
      return { a, b };
    },
    (ctx, { a, b }) => {
      // O(1): the two databases exchange their keyspace ids.
      const ids = [...ctx.ks.dbMapping.ids];
      [ids[a], ids[b]] = [ids[b]!, ids[a]!];
      ctx.ks.dbMapping = { ids, nextId: ctx.ks.dbMapping.nextId };
      return OK;
    },
  ),
);

// ---- OBJECT ------------------------------------------------------------------------------

/** Redis shares the integers 0..9999 (OBJ_SHARED_INTEGERS); OBJECT REFCOUNT shows them as INT_MAX. */
const SHARED_INTEGERS = 10000n;
const SHARED_REFCOUNT = 2147483647;
/** Longest string Redis stores embedded in its object header (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
const EMBSTR_SIZE_LIMIT = 44;

/** The integer a string value is stored as by Redis's tryObjectEncoding, or null. */
function integerEncoded(value: Buffer): bigint | null {
  return value.length <= 20 ? parseInt64(value) : null;
}

/**
 * The encoding redis-server 7.0 reports for the value. Strings follow tryObjectEncoding on the
 * stored bytes, which is what SET, MSET, GETSET and INCR leave behind; Redis remembers how a value
 * was made, we do not, so a short value grown by APPEND or SETRANGE (Redis: "raw") or made by
 * INCRBYFLOAT (Redis: "embstr" even when integral) is reported as if it had been SET.
 * Collections are decided by element count alone (Redis's listpack limits also bound element
 * sizes, and an all-integer set is an intset): reading every element to decide is not worth it.
 */
function encodingOf(meta: Meta): string {
  switch (meta.type) {
    case KeyType.String:
      // A chunked string is longer than any embstr or integer.
      if (isChunked(meta)) return 'raw';
      if (integerEncoded(meta.value) !== null) return 'int';
      return meta.value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
    case KeyType.Hash:
      return hashEncoding(meta);
    case KeyType.ZSet:
      return zsetEncoding(meta);
    case KeyType.Set:
      return setEncoding(meta);
    // Redis 7.0 keeps every list in a quicklist (small lists became listpacks in 7.2).
    case KeyType.List:
      return 'quicklist';
    case KeyType.Stream:
      return 'stream';
  }
}

function refcountOf(meta: Meta): number {
  if (meta.type !== KeyType.String || isChunked(meta)) return 1;
  const n = integerEncoded(meta.value);
  return n !== null && n >= 0n && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

/** OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT: a missing key is nil before anything else (object.c). */
function objectSubcommand(sub: string, summary: string, since: string, reply: (meta: Meta) => Reply): Command {
  return readCommand(
    `object|${sub}`,
    { arity: 3, flags: ['readonly'], keys: { first: 2, last: 2, step: 1 }, acl: ['@keyspace', '@read', '@slow'], docs: docs(summary, since) },
    (argv) => ({ key: argv[2]! }),
    async (ctx, { key }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      return meta === null ? NULL : reply(meta);
    },
  );
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

keyspaceCommands.push(
  containerCommand('object', { arity: -2, flags: [], acl: ['@slow'], docs: docs('A container for object introspection commands', '2.2.3', 'Depends on subcommand.') }, [
    objectSubcommand('encoding', 'Inspect the internal encoding of a Redis object', '2.2.3', (meta) => bulk(encodingOf(meta))),
    // Access frequency needs an LFU maxmemory-policy; pikiraft never evicts, so it is never tracked.
    objectSubcommand('freq', 'Get the logarithmic access frequency counter of a Redis object', '4.0.0', () => E.lfuNotSelected),
    // Redis tracks the last access of every key in memory; pikiraft keeps keys in RocksDB and
    // records no access time (a write per read would be the price). Answering 0 would tell a
    // client looking for cold keys that every key was just used, so it gets an error instead.
    objectSubcommand('idletime', 'Get the time since a Redis object was last accessed', '2.2.3', () => E.idleTimeNotTracked),
    objectSubcommand('refcount', 'Get the number of references to the value of the key', '2.2.3', (meta) => int(refcountOf(meta))),
    localCommand(
      'object|help',
      { arity: 2, flags: ['loading', 'stale'], acl: ['@keyspace', '@slow'], docs: docs('Show helpful text about the different subcommands', '6.2.0') },
      () => helpReply('object', OBJECT_HELP),
    ),
  ]),
);
