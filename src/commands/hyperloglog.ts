// HyperLogLog commands (Redis hyperloglog.c): PFADD, PFCOUNT, PFMERGE, PFDEBUG. An HLL is a plain string
// in Redis's exact byte format (state-machine/hll/); GET, SET, DEL and TYPE treat it as one.
//
// PFCOUNT is a read: unlike redis-server it never writes the cardinality it computes back into
// the value's cache bytes (that would make every PFCOUNT a replicated write). Its replies are
// the same; GET of an HLL differs only in those 8 bytes after a PFCOUNT (README, HyperLogLog).
import { array, bulk, int, OK, ONE, simple, ZERO, type Reply } from '../resp/reply.js';
import {
  addElements,
  cardinalityReply,
  countOne,
  countRegisters,
  denseRegisters,
  describeSparse,
  emptyRegisters,
  isDense,
  isHllValue,
  mergeRegisters,
  toDense,
  writeMerged,
} from '../state-machine/hll/hyperloglog.js';
import type { Keyspace } from '../state-machine/keyspace.js';
import { getExpireAt, getString, setString, WRONGTYPE } from '../state-machine/types/string.js';
import { E } from './errors.js';
import { readCommand, writeCommand, type Command } from './table.js';
import type { WriteContext } from './context.js';

const HLL_ACL = ['@hyperloglog'];
const docs = (summary: string, since: string, complexity: string) => ({ summary, since, group: 'hyperloglog', complexity });

/** The HLL value of `key`: null when absent, or the error reply for a non-HLL value. */
async function hllValue(ks: Keyspace, db: number, key: Buffer): Promise<Buffer | null | { error: Reply }> {
  const v = await getString(ks, db, key);
  if (v === WRONGTYPE) return { error: E.wrongType };
  if (v !== null && !isHllValue(v)) return { error: E.hllNotValid };
  return v;
}

const isError = (v: Buffer | null | { error: Reply }): v is { error: Reply } => v !== null && !Buffer.isBuffer(v);

/**
 * The union of the registers of `keys` (absent keys count as empty), and whether any is dense;
 * or the first key's error in argument order, as hllMerge loops report it.
 */
async function unionOf(ks: Keyspace, db: number, keys: readonly Buffer[]): Promise<{ max: Uint8Array; anyDense: boolean } | { error: Reply }> {
  // Every point read is issued before any is awaited, so the store batches them.
  const values = await Promise.all(keys.map((k) => hllValue(ks, db, k)));
  const max = emptyRegisters();
  let anyDense = false;
  for (const v of values) {
    if (v === null) continue;
    if (isError(v)) return v;
    if (isDense(v)) anyDense = true;
    if (!mergeRegisters(max, v)) return { error: E.hllCorrupt };
  }
  return { max, anyDense };
}

export const hyperloglogCommands: Command[] = [
  writeCommand(
    'pfadd',
    {
      arity: -2,
      flags: ['write', 'denyoom', 'fast'],
      keys: { first: 1, last: 1, step: 1 },
      acl: ['@write', ...HLL_ACL, '@fast'],
      docs: docs('Adds elements to a HyperLogLog key. Creates the key if it doesn\'t exist.', '2.8.9', 'O(1) to add every element.'),
    },
    (argv) => ({ key: argv[1]!, elements: argv.slice(2) }),
    async (ctx, { key, elements }) => {
      const current = await hllValue(ctx.ks, ctx.db, key);
      if (isError(current)) return current.error;
      const result = addElements(current, elements);
      if (result.value !== null) {
        // An HLL modified in place keeps its expiry, as Redis's dbUnshareStringValue does.
        const expireAtMs = current === null ? 0 : ((await getExpireAt(ctx.ks, ctx.db, key)) ?? 0);
        await setString(ctx.ks, ctx.db, key, result.value, expireAtMs);
      }
      if (result.outcome === 'corrupt') return E.hllCorrupt;
      return result.outcome === 'updated' ? ONE : ZERO;
    },
  ),
  readCommand(
    'pfcount',
    {
      arity: -2,
      flags: ['readonly', 'may_replicate'],
      keys: { first: 1, last: -1, step: 1 },
      acl: ['@read', ...HLL_ACL],
      docs: docs('Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).', '2.8.9', 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.'),
    },
    (argv) => ({ keys: argv.slice(1) }),
    async (ctx, { keys }) => {
      if (keys.length > 1) {
        const union = await unionOf(ctx.ks, ctx.db, keys);
        return 'error' in union ? union.error : int(cardinalityReply(countRegisters(union.max)));
      }
      const v = await hllValue(ctx.ks, ctx.db, keys[0]!);
      if (v === null) return ZERO;
      if (isError(v)) return v.error;
      const card = countOne(v);
      return card === 'corrupt' ? E.hllCorrupt : int(cardinalityReply(card));
    },
  ),
  writeCommand(
    'pfmerge',
    {
      arity: -2,
      flags: ['write', 'denyoom'],
      keys: { first: 1, last: -1, step: 1 },
      acl: ['@write', ...HLL_ACL],
      docs: docs('Merges one or more HyperLogLog values into a single key.', '2.8.9', 'O(N) to merge N HyperLogLogs, but with high constant times.'),
    },
    (argv) => ({ dest: argv[1]!, keys: argv.slice(1) }),
    async (ctx, { dest, keys }) => {
      // The destination is merged too (it is the first source), which also validates it.
      const union = await unionOf(ctx.ks, ctx.db, keys);
      if ('error' in union) return union.error;
      const current = await hllValue(ctx.ks, ctx.db, dest);
      if (isError(current)) return current.error;
      const merged = writeMerged(current, union.max, union.anyDense);
      if (merged === 'corrupt') return E.hllCorrupt;
      const expireAtMs = current === null ? 0 : ((await getExpireAt(ctx.ks, ctx.db, dest)) ?? 0);
      await setString(ctx.ks, ctx.db, dest, merged, expireAtMs);
      return OK;
    },
  ),
  writeCommand(
    'pfdebug',
    {
      arity: 3,
      flags: ['write', 'denyoom', 'admin'],
      keys: { first: 2, last: 2, step: 1 },
      acl: ['@write', ...HLL_ACL, '@admin'],
      docs: docs('Internal commands for debugging HyperLogLog values.', '2.8.9', 'N/A'),
    },
    // The subcommand is checked after the key, as pfdebugCommand does.
    (argv) => ({ sub: argv[1]!, key: argv[2]! }),
    async (ctx, { sub, key }) => {
      const v = await hllValue(ctx.ks, ctx.db, key);
      if (v === null) return E.pfdebugNoKey;
      if (isError(v)) return v.error;
      switch (sub.toString('latin1').toLowerCase()) {
        case 'getreg': {
          // Redis converts the key to dense in place before reading the registers.
          const dense = await storeDense(ctx, key, v);
          return dense === 'corrupt' ? E.hllCorrupt : array(denseRegisters(dense).map((r) => int(r)));
        }
        case 'decode':
          return isDense(v) ? E.pfdebugNotSparse : bulk(describeSparse(v));
        case 'encoding':
          return simple(isDense(v) ? 'dense' : 'sparse');
        case 'todense': {
          if (isDense(v)) return ZERO;
          return (await storeDense(ctx, key, v)) === 'corrupt' ? E.hllCorrupt : ONE;
        }
        default:
          return E.pfdebugUnknown(sub);
      }
    },
  ),
];

/** Converts the HLL at `key` to dense and stores it (expiry kept); returns the dense value. */
async function storeDense(ctx: WriteContext, key: Buffer, value: Buffer): Promise<Buffer | 'corrupt'> {
  const dense = toDense(value);
  if (dense === null || dense === 'corrupt') return dense ?? value;
  await setString(ctx.ks, ctx.db, key, dense, (await getExpireAt(ctx.ks, ctx.db, key)) ?? 0);
  return dense;
}
