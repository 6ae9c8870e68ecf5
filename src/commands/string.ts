// String commands (Redis t_string.c): argument parsing and replies; storage in state-machine/types/string.ts.
import { array, bulk, bulkOrNull, int, map, NULL, OK, ONE, ZERO, type Reply } from '../resp/reply.js';
import { addLongDouble, formatLongDoubleHuman, ldZero } from '../resp/double.js';
import { getString, setString, WRONGTYPE } from '../state-machine/types/string.js';
import { readStringRange, readStringValue, stringLength, StringEditor } from '../state-machine/types/string-fragments.js';
import { KeyType } from '../state-machine/encoding.js';
import type { WriteContext } from './context.js';
import { INT64_MAX, INT64_MIN } from './args.js';
import { eqIgnoreCase, parseInt64, parseLongDouble, parseSafeInt } from './args.js';
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
        if (meta.type !== KeyType.String) return E.wrongType;
        old = bulk(await readStringValue(ctx.ks, ctx.db, a.key, meta));
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
      const s = await StringEditor.open(ctx.ks, ctx.db, key);
      if (s === WRONGTYPE) return E.wrongType;
      if (s.length + value.length > ctx.maxBulkBytes) return E.stringTooLong;
      // Appending nothing still creates a missing key (as an empty string), as Redis does.
      if (s.meta === null && value.length === 0) await setString(ctx.ks, ctx.db, key, value, 0);
      await s.write(s.length, value);
      await s.commit();
      return int(s.length);
    },
  ),
  readCommand(
    'strlen',
    { arity: 2, flags: ['readonly', 'fast'], keys: K1, acl: ['@read', ...STRING_ACL, '@fast'], docs: docs('Returns the length of a string value.', '2.2.0') },
    (argv) => ({ key: argv[1]! }),
    async (ctx, { key }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta === null) return ZERO;
      return meta.type === KeyType.String ? int(stringLength(meta)) : E.wrongType;
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
      const s = await StringEditor.open(ctx.ks, ctx.db, key);
      if (s === WRONGTYPE) return E.wrongType;
      if (value.length === 0) return int(s.length);
      if (offset + value.length > ctx.maxBulkBytes) return E.stringTooLong;
      await s.write(offset, value);
      await s.commit();
      return int(s.length);
    },
  ),
  incrBy('incr', null, 1n),
  incrBy('decr', null, -1n),
  incrBy('incrby', 'by', 1n),
  incrBy('decrby', 'by', -1n),
  incrByFloat(),
  lcs(),
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
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta === null) return bulk('');
      if (meta.type !== KeyType.String) return E.wrongType;
      // Redis t_string.c getrangeCommand, including its quirk for negative ranges.
      const len = BigInt(stringLength(meta));
      if (start < 0n && end < 0n && start > end) return bulk('');
      let s = start < 0n ? len + start : start;
      let e = end < 0n ? len + end : end;
      if (s < 0n) s = 0n;
      if (e < 0n) e = 0n;
      if (e >= len) e = len - 1n;
      if (s > e || len === 0n) return bulk('');
      return bulk(await readStringRange(ctx.ks, ctx.db, key, meta, Number(s), Number(e) + 1));
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
      // No integer has more than 20 characters: a long (possibly chunked) value is not read.
      const cur = meta === null ? 0n : stringLength(meta) > 20 ? null : parseInt64(await readStringValue(ctx.ks, ctx.db, key, meta));
      if (cur === null) return E.notInteger;
      const next = cur + delta;
      if (next > INT64_MAX || next < INT64_MIN) return E.overflow;
      await setString(ctx.ks, ctx.db, key, Buffer.from(next.toString()), meta?.expireAtMs ?? 0);
      return int(next);
    },
  );
}

function incrByFloat(): Command {
  return writeCommand(
    'incrbyfloat',
    {
      arity: 3,
      flags: ['write', 'denyoom', 'fast'],
      keys: K1,
      acl: ['@write', ...STRING_ACL, '@fast'],
      docs: docs('Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', '2.6.0'),
    },
    // The increment is parsed in apply, not here: Redis checks the key's type first, so a
    // non-string key answers WRONGTYPE even when the increment is not a float.
    (argv) => ({ key: argv[1]!, incr: argv[2]! }),
    async (ctx, { key, incr }) => {
      const meta = await ctx.ks.meta(ctx.db, key);
      if (meta !== null && meta.type !== KeyType.String) return E.wrongType;
      // Redis t_string.c incrbyfloatCommand: long double value + increment, "%.17Lf" trimmed.
      // The arithmetic is pure (no float64, no locale), so every replica stores the same bytes.
      const cur = meta === null ? ldZero(false) : parseLongDouble(await readStringValue(ctx.ks, ctx.db, key, meta));
      const by = parseLongDouble(incr);
      if (cur === null || by === null) return E.notFloat;
      const next = addLongDouble(cur, by);
      if (next === null || next.kind === 'inf') return E.nanOrInfinity;
      const text = Buffer.from(formatLongDoubleHuman(next), 'latin1');
      await setString(ctx.ks, ctx.db, key, text, meta?.expireAtMs ?? 0);
      return bulk(text);
    },
  );
}

/**
 * Redis refuses an LCS table larger than proto-max-bulk-len. Read commands do not see the
 * config (ReadContext has no limits), so this is Redis's and pikiraft's default, 512 MiB.
 */
const LCS_TABLE_BYTES_MAX = 512 * 1024 * 1024;
/** Redis rejects strings of UINT32_MAX-1 bytes or more: its table cells are uint32. */
const LCS_STRING_BYTES_MAX = 0xffffffff - 1;

interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: bigint;
}

function parseLcsOptions(argv: readonly Buffer[]): LcsOptions | { error: Reply } {
  const o: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0n };
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    if (eqIgnoreCase(opt, 'idx')) o.idx = true;
    else if (eqIgnoreCase(opt, 'len')) o.len = true;
    else if (eqIgnoreCase(opt, 'withmatchlen')) o.withMatchLen = true;
    else if (eqIgnoreCase(opt, 'minmatchlen') && j + 1 < argv.length) {
      const n = parseInt64(argv[j + 1]!);
      if (n === null) return fail(E.notInteger);
      o.minMatchLen = n < 0n ? 0n : n;
      j++;
    } else return fail(E.syntax);
  }
  if (o.idx && o.len) return fail(E.lcsLenAndIdx);
  return o;
}

function lcs(): Command {
  return readCommand(
    'lcs',
    {
      arity: -3,
      flags: ['readonly'],
      keys: { first: 1, last: 2, step: 1 },
      acl: ['@read', ...STRING_ACL, '@slow'],
      docs: docs('Finds the longest common substring.', '7.0.0', 'O(N*M) where N and M are the lengths of s1 and s2, respectively'),
    },
    // Options are parsed after the key lookup: Redis reports non-string keys before syntax errors.
    (argv) => ({ argv }),
    async (ctx, { argv }) => {
      // Both point reads are issued before either is awaited, so the store batches them.
      const [va, vb] = await Promise.all([getString(ctx.ks, ctx.db, argv[1]!), getString(ctx.ks, ctx.db, argv[2]!)]);
      if (va === WRONGTYPE || vb === WRONGTYPE) return E.lcsNotStrings;
      const opts = parseLcsOptions(argv);
      if ('error' in opts) return opts.error;
      const a = va ?? Buffer.alloc(0);
      const b = vb ?? Buffer.alloc(0);
      if (a.length >= LCS_STRING_BYTES_MAX || b.length >= LCS_STRING_BYTES_MAX) return E.lcsStringTooLong;
      const table = lcsTable(a, b);
      if (!(table instanceof Uint32Array)) return table;
      return lcsReply(a, b, table, opts);
    },
  );
}

/**
 * The dynamic-programming table of t_string.c: cell (i, j) at j + (b.length+1)·i holds the LCS
 * length of a[0..i) and b[0..j). Refused past the byte limit, as Redis does.
 */
function lcsTable(a: Buffer, b: Buffer): Uint32Array | Reply {
  const width = b.length + 1;
  const cells = (a.length + 1) * width;
  if (cells * 4 > LCS_TABLE_BYTES_MAX) return E.lcsTableTooBig;
  let t: Uint32Array;
  try {
    t = new Uint32Array(cells);
  } catch (e) {
    if (e instanceof RangeError) return E.lcsAllocFailed;
    throw e;
  }
  // Row 0 and column 0 stay zero: an empty prefix has an empty LCS.
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1]!;
    const row = i * width;
    const up = row - width;
    for (let j = 1; j <= b.length; j++) {
      if (ai === b[j - 1]) t[row + j] = t[up + j - 1]! + 1;
      else {
        const l1 = t[up + j]!;
        const l2 = t[row + j - 1]!;
        t[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  return t;
}

/**
 * Walks the table back from the end as lcsCommand does, building the LCS string and the
 * ranges (last match first). The tie-break "up only when strictly longer, else left" decides
 * which of several equally long LCSs is reported, so it is kept exactly.
 */
function lcsReply(a: Buffer, b: Buffer, t: Uint32Array, opts: LcsOptions): Reply {
  const width = b.length + 1;
  const at = (i: number, j: number): number => t[j + i * width]!;
  const total = at(a.length, b.length);
  if (opts.len) return int(total);
  const result = Buffer.alloc(total);
  const matches: Reply[] = [];
  let idx = total;
  // aStart === a.length means "no range in progress", Redis's own sentinel.
  let aStart = a.length;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1]!;
      if (aStart === a.length) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      // A match at the first byte of either string ends the walk: emit now.
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) i--;
      else j--;
      if (aStart !== a.length) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (opts.idx && (opts.minMatchLen === 0n || BigInt(matchLen) >= opts.minMatchLen)) {
        const entry: Reply[] = [array([int(aStart), int(aEnd)]), array([int(bStart), int(bEnd)])];
        if (opts.withMatchLen) entry.push(int(matchLen));
        matches.push(array(entry));
      }
      aStart = a.length;
    }
  }
  if (!opts.idx) return bulk(result);
  return map([
    [bulk('matches'), array(matches)],
    [bulk('len'), int(total)],
  ]);
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
      return bulk(await readStringValue(ctx.ks, ctx.db, a.key, meta));
    },
  ),
);
