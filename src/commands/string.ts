// String commands (Redis t_string.c): argument parsing and replies; storage in state-machine/types/string.ts.
import { array, bulk, bulkOrNull, int, NULL, OK, ONE, ZERO, type Reply } from '../resp/reply.js';
import { getString, setString, WRONGTYPE } from '../state-machine/types/string.js';
import { KeyType } from '../state-machine/encoding.js';
import type { WriteContext } from './context.js';
import { INT64_MAX, INT64_MIN } from './args.js';
import { parseInt64, parseSafeInt } from './args.js';
import { E } from './errors.js';
import { fail, readCommand, writeCommand, type Command, type ParseResult } from './table.js';

const STRING_ACL = ['@string'];
const K1 = { first: 1, last: 1, step: 1 };
const docs = (summary: string, since: string, complexity = 'O(1)') => ({ summary, since, group: 'string', complexity });

interface SetArgs {
  key: Buffer;
  value: Buffer;
  condition: 'nx' | 'xx' | null;
  get: boolean;
  /** Relative (ms) or absolute (unix ms) expiry, resolved against the entry's time in apply. */
  expire: { kind: 'rel' | 'abs'; ms: bigint } | null;
  keepTtl: boolean;
}

function parseSet(argv: readonly Buffer[]): SetArgs | { error: Reply } {
  const args: SetArgs = { key: argv[1]!, value: argv[2]!, condition: null, get: false, expire: null, keepTtl: false };
  let sawExpire = false;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i]!.toString('latin1').toLowerCase();
    const next = argv[i + 1];
    if (opt === 'nx' && args.condition !== 'xx') args.condition = 'nx';
    else if (opt === 'xx' && args.condition !== 'nx') args.condition = 'xx';
    else if (opt === 'get') args.get = true;
    else if (opt === 'keepttl' && !sawExpire) {
      args.keepTtl = true;
      sawExpire = true;
    } else if ((opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') && !sawExpire && next !== undefined) {
      sawExpire = true;
      const n = parseInt64(next);
      if (n === null) return fail(E.notInteger);
      if (n <= 0n) return fail(E.invalidExpireTime('set'));
      const unitMs = opt === 'ex' || opt === 'exat' ? 1000n : 1n;
      const ms = n * unitMs;
      // Redis rejects values whose millisecond form overflows a long long.
      if (ms / unitMs !== n || ms > 9223372036854775807n) return fail(E.invalidExpireTime('set'));
      args.expire = { kind: opt.endsWith('at') ? 'abs' : 'rel', ms };
      i++;
    } else return fail(E.syntax);
  }
  return args;
}

/** Absolute expiry in ms for a SET-style option, given the apply time. */
export function resolveExpireAt(expire: { kind: 'rel' | 'abs'; ms: bigint }, nowMs: number): number {
  const at = expire.kind === 'rel' ? BigInt(nowMs) + expire.ms : expire.ms;
  return at > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(at);
}

export const stringCommands: Command[] = [
  readCommand(
    'get',
    { arity: 2, flags: ['readonly', 'fast'], keys: { first: 1, last: 1, step: 1 }, acl: ['@read', ...STRING_ACL, '@fast'], docs: docs('Returns the string value of a key.', '1.0.0') },
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const v = await getString(ctx.ks, ctx.db, key);
      return v === WRONGTYPE ? E.wrongType : bulkOrNull(v);
    },
  ),
  writeCommand(
    'set',
    {
      arity: -3,
      flags: ['write', 'denyoom'],
      keys: { first: 1, last: 1, step: 1 },
      acl: ['@write', ...STRING_ACL, '@slow'],
      docs: docs('Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.', '1.0.0'),
    },
    parseSet,
    async (ctx, a) => {
      const meta = await ctx.ks.meta(ctx.db, a.key);
      let old: Reply = NULL;
      if (a.get && meta !== null) {
        if (meta.type !== 1) return E.wrongType;
        old = bulk(meta.value);
      }
      if ((a.condition === 'nx' && meta !== null) || (a.condition === 'xx' && meta === null)) return a.get ? old : NULL;
      let expireAtMs = 0;
      if (a.expire) expireAtMs = resolveExpireAt(a.expire, ctx.nowMs);
      else if (a.keepTtl && meta !== null) expireAtMs = meta.expireAtMs;
      if (a.expire && expireAtMs <= ctx.nowMs) {
        // An expiry already in the past deletes the key, as Redis does for EXAT/PXAT.
        await ctx.ks.deleteKey(ctx.db, a.key);
      } else {
        await setString(ctx.ks, ctx.db, a.key, a.value, expireAtMs);
      }
      return a.get ? old : OK;
    },
  ),
  ...simpleSetVariants(),
  writeCommand(
    'getset',
    { arity: 3, flags: ['write', 'denyoom', 'fast'], keys: K1, acl: ['@write', ...STRING_ACL, '@fast'], docs: docs('Returns the previous string value of a key after setting it to a new value.', '1.0.0') },
    (argv) => ({ key: argv[1]!, value: argv[2]! }),
    async (ctx, { key, value }) => {
      const old = await stringOrError(ctx, key);
      if (old === WRONGTYPE) return E.wrongType;
      await setString(ctx.ks, ctx.db, key, value, 0);
      return bulkOrNull(old);
    },
  ),
  writeCommand(
    'getdel',
    { arity: 2, flags: ['write', 'fast'], keys: K1, acl: ['@write', ...STRING_ACL, '@fast'], docs: docs('Returns the string value of a key after deleting the key.', '6.2.0') },
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const old = await stringOrError(ctx, key);
      if (old === WRONGTYPE) return E.wrongType;
      if (old !== null) await ctx.ks.deleteKey(ctx.db, key);
      return bulkOrNull(old);
    },
  ),
  readCommand(
    'mget',
    { arity: -2, flags: ['readonly', 'fast'], keys: { first: 1, last: -1, step: 1 }, acl: ['@read', ...STRING_ACL, '@fast'], docs: docs('Atomically returns the string values of one or more keys.', '1.0.0', 'O(N)') },
    (argv) => ({ keys: argv.slice(1) }),
    async (ctx, { keys }) => {
      // All point reads are issued before any is awaited: the store coalesces them into one multi-get.
      const values = await Promise.all(keys.map((k) => getString(ctx.ks, ctx.db, k)));
      return array(values.map((v) => (v === WRONGTYPE ? NULL : bulkOrNull(v))));
    },
  ),
  writeCommand(
    'mset',
    { arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: -1, step: 2 }, acl: ['@write', ...STRING_ACL, '@slow'], docs: docs('Atomically creates or modifies the string values of one or more keys.', '1.0.1', 'O(N)') },
    (argv): ParseResult<{ pairs: readonly Buffer[] }> => (argv.length % 2 === 0 ? { error: E.wrongArity('mset') } : { pairs: argv.slice(1) }),
    async (ctx, { pairs }) => {
      for (let i = 0; i < pairs.length; i += 2) await setString(ctx.ks, ctx.db, pairs[i]!, pairs[i + 1]!, 0);
      return OK;
    },
  ),
  writeCommand(
    'msetnx',
    { arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: -1, step: 2 }, acl: ['@write', ...STRING_ACL, '@slow'], docs: docs('Atomically modifies the string values of one or more keys only when all keys don\'t exist.', '1.0.1', 'O(N)') },
    (argv): ParseResult<{ pairs: readonly Buffer[] }> => (argv.length % 2 === 0 ? { error: E.wrongArity('msetnx') } : { pairs: argv.slice(1) }),
    async (ctx, { pairs }) => {
      for (let i = 0; i < pairs.length; i += 2) if ((await ctx.ks.meta(ctx.db, pairs[i]!)) !== null) return ZERO;
      for (let i = 0; i < pairs.length; i += 2) await setString(ctx.ks, ctx.db, pairs[i]!, pairs[i + 1]!, 0);
      return ONE;
    },
  ),
  writeCommand(
    'append',
    { arity: 3, flags: ['write', 'denyoom', 'fast'], keys: K1, acl: ['@write', ...STRING_ACL, '@fast'], docs: docs('Appends a string to the value of a key. Creates the key if it doesn\'t exist.', '2.0.0') },
    (argv) => ({ key: argv[1]!, value: argv[2]! }),
    async (ctx, { key, value }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta !== null && meta.type !== KeyType.String) return E.wrongType;
      const next = meta === null ? value : Buffer.concat([meta.value, value]);
      if (next.length > ctx.maxBulkBytes) return E.stringTooLong;
      await setString(ctx.ks, ctx.db, key, next, meta?.expireAtMs ?? 0);
      return int(next.length);
    },
  ),
  readCommand(
    'strlen',
    { arity: 2, flags: ['readonly', 'fast'], keys: K1, acl: ['@read', ...STRING_ACL, '@fast'], docs: docs('Returns the length of a string value.', '2.2.0') },
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const v = await getString(ctx.ks, ctx.db, key);
      return v === WRONGTYPE ? E.wrongType : int(v === null ? 0 : v.length);
    },
  ),
  getrange('getrange', '2.4.0'),
  getrange('substr', '1.0.0'),
  writeCommand(
    'setrange',
    { arity: 4, flags: ['write', 'denyoom'], keys: K1, acl: ['@write', ...STRING_ACL, '@slow'], docs: docs('Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.', '2.2.0') },
    (argv) => {
      const offset = parseSafeInt(argv[2]!);
      if (offset === null) return fail(E.notInteger);
      if (offset < 0) return fail(E.offsetOutOfRange);
      return { key: argv[1]!, offset, value: argv[3]! };
    },
    async (ctx, { key, offset, value }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta !== null && meta.type !== KeyType.String) return E.wrongType;
      const cur = meta?.value ?? Buffer.alloc(0);
      if (value.length === 0) return int(cur.length);
      if (offset + value.length > ctx.maxBulkBytes) return E.stringTooLong;
      const next = Buffer.alloc(Math.max(cur.length, offset + value.length));
      cur.copy(next);
      value.copy(next, offset);
      await setString(ctx.ks, ctx.db, key, next, meta?.expireAtMs ?? 0);
      return int(next.length);
    },
  ),
  incrBy('incr', null, 1n),
  incrBy('decr', null, -1n),
  incrBy('incrby', 'by', 1n),
  incrBy('decrby', 'by', -1n),
];



async function stringOrError(ctx: WriteContext, key: Buffer): Promise<Buffer | null | typeof WRONGTYPE> {
  return getString(ctx.ks, ctx.db, key);
}

/** SETNX, SETEX and PSETEX are SET with fixed options. */
function simpleSetVariants(): Command[] {
  const meta = (summary: string, since: string) => ({
    arity: 0,
    flags: ['write', 'denyoom'] as const,
    keys: K1,
    acl: ['@write', ...STRING_ACL],
    docs: docs(summary, since),
  });
  return [
    writeCommand(
      'setnx',
      { ...meta('Set the string value of a key only when the key doesn\'t exist.', '1.0.0'), arity: 3, flags: ['write', 'denyoom', 'fast'] },
      (argv) => ({ key: argv[1]!, value: argv[2]! }),
      async (ctx, { key, value }) => {
        if ((await ctx.ks.meta(ctx.db, key)) !== null) return ZERO;
        await setString(ctx.ks, ctx.db, key, value, 0);
        return ONE;
      },
    ),
    ...(['setex', 'psetex'] as const).map((name) =>
      writeCommand(
        name,
        { ...meta(`Sets the string value and expiration time${name === 'psetex' ? ' in milliseconds' : ''} of a key. Creates the key if it doesn't exist.`, name === 'setex' ? '2.0.0' : '2.6.0'), arity: 4, flags: ['write', 'denyoom'] },
        (argv) => {
          const n = parseInt64(argv[2]!);
          if (n === null) return fail(E.notInteger);
          if (n <= 0n) return fail(E.invalidExpireTime(name));
          const ms = name === 'setex' ? n * 1000n : n;
          if (ms > INT64_MAX) return fail(E.invalidExpireTime(name));
          return { key: argv[1]!, value: argv[3]!, ms };
        },
        async (ctx, { key, value, ms }) => {
          await setString(ctx.ks, ctx.db, key, value, resolveExpireAt({ kind: 'rel', ms }, ctx.nowMs));
          return OK;
        },
      ),
    ),
  ];
}

function getrange(name: string, since: string): Command {
  return readCommand(
    name,
    { arity: 4, flags: ['readonly'], keys: K1, acl: ['@read', ...STRING_ACL, '@slow'], docs: docs('Returns a substring of the string stored at a key.', since, 'O(N)') },
    (argv) => {
      const start = parseInt64(argv[2]!);
      const end = parseInt64(argv[3]!);
      if (start === null || end === null) return fail(E.notInteger);
      return { key: argv[1]!, start, end };
    },
    async (ctx, { key, start, end }) => {
      const v = await getString(ctx.ks, ctx.db, key);
      if (v === WRONGTYPE) return E.wrongType;
      if (v === null) return bulk('');
      // Redis t_string.c getrangeCommand, including its quirk for negative ranges.
      const len = BigInt(v.length);
      if (start < 0n && end < 0n && start > end) return bulk('');
      let s = start < 0n ? len + start : start;
      let e = end < 0n ? len + end : end;
      if (s < 0n) s = 0n;
      if (e < 0n) e = 0n;
      if (e >= len) e = len - 1n;
      if (s > e || len === 0n) return bulk('');
      return bulk(v.subarray(Number(s), Number(e) + 1));
    },
  );
}

function incrBy(name: string, arg: 'by' | null, sign: bigint): Command {
  return writeCommand(
    name,
    {
      arity: arg ? 3 : 2,
      flags: ['write', 'denyoom', 'fast'],
      keys: K1,
      acl: ['@write', ...STRING_ACL, '@fast'],
      docs: docs(`${sign > 0n ? 'Increments' : 'Decrements'} the integer value of a key by ${arg ? 'a number' : 'one'}. Uses 0 as initial value if the key doesn't exist.`, arg ? '1.0.0' : '1.0.0'),
    },
    (argv) => {
      if (!arg) return { key: argv[1]!, delta: sign };
      const n = parseInt64(argv[2]!);
      if (n === null) return fail(E.notInteger);
      // DECRBY of INT64_MIN cannot be negated: Redis reports it as out of range.
      if (sign < 0n && n === INT64_MIN) return fail(E.decrementOverflow);
      return { key: argv[1]!, delta: sign * n };
    },
    async (ctx, { key, delta }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta !== null && meta.type !== KeyType.String) return E.wrongType;
      const cur = meta === null ? 0n : parseInt64(meta.value);
      if (cur === null) return E.notInteger;
      const next = cur + delta;
      if (next > INT64_MAX || next < INT64_MIN) return E.overflow;
      await setString(ctx.ks, ctx.db, key, Buffer.from(next.toString()), meta?.expireAtMs ?? 0);
      return int(next);
    },
  );
}

interface GetexArgs {
  key: Buffer;
  /** Option and its unparsed value: t_string.c validates the number only after the key lookup. */
  expire: { opt: string; value: Buffer } | null;
  persist: boolean;
}

stringCommands.push(
  writeCommand(
    'getex',
    { arity: -2, flags: ['write', 'fast'], keys: K1, acl: ['@write', ...STRING_ACL, '@fast'], docs: docs('Returns the string value of a key after setting its expiration time.', '6.2.0') },
    (argv): ParseResult<GetexArgs> => {
      const a: GetexArgs = { key: argv[1]!, expire: null, persist: false };
      for (let i = 2; i < argv.length; i++) {
        const opt = argv[i]!.toString('latin1').toLowerCase();
        const next = argv[i + 1];
        const seen = a.expire !== null || a.persist;
        if (opt === 'persist' && !seen) a.persist = true;
        else if (['ex', 'px', 'exat', 'pxat'].includes(opt) && !seen && next !== undefined) {
          a.expire = { opt, value: next };
          i++;
        } else return fail(E.syntax);
      }
      return a;
    },
    async (ctx, a) => {
      const meta = await ctx.ks.meta(ctx.db, a.key);
      if (meta === null) return NULL;
      if (meta.type !== KeyType.String) return E.wrongType;
      if (a.expire) {
        const n = parseInt64(a.expire.value);
        if (n === null) return E.notInteger;
        const unitMs = a.expire.opt === 'ex' || a.expire.opt === 'exat' ? 1000n : 1n;
        if (n <= 0n || n * unitMs > INT64_MAX) return E.invalidExpireTime('getex');
        const at = resolveExpireAt({ kind: a.expire.opt.endsWith('at') ? 'abs' : 'rel', ms: n * unitMs }, ctx.nowMs);
        if (at <= ctx.nowMs) await ctx.ks.deleteKey(ctx.db, a.key);
        else await ctx.ks.writeMeta(ctx.db, a.key, { ...meta, expireAtMs: at });
      } else if (a.persist && meta.expireAtMs !== 0) {
        await ctx.ks.writeMeta(ctx.db, a.key, { ...meta, expireAtMs: 0 });
      }
      return bulk(meta.value);
    },
  ),
);
