// String commands (Redis t_string.c): argument parsing and replies; storage in state-machine/types/string.ts.
import { bulk, bulkOrNull, NULL, OK, type Reply } from '../resp/reply.js';
import { getString, setString, WRONGTYPE } from '../state-machine/types/string.js';
import { eqIgnoreCase, parseInt64 } from './args.js';
import { E } from './errors.js';
import { readCommand, writeCommand, type Command } from './table.js';

const STRING_ACL = ['@string'];
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
      if (n === null) return { error: E.notInteger };
      if (n <= 0n) return { error: E.invalidExpireTime('set') };
      const unitMs = opt === 'ex' || opt === 'exat' ? 1000n : 1n;
      const ms = n * unitMs;
      // Redis rejects values whose millisecond form overflows a long long.
      if (ms / unitMs !== n || ms > 9223372036854775807n) return { error: E.invalidExpireTime('set') };
      args.expire = { kind: opt.endsWith('at') ? 'abs' : 'rel', ms };
      i++;
    } else return { error: E.syntax };
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
];

export { eqIgnoreCase };
