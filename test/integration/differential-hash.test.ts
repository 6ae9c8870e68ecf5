// Sends the same seeded random sequences of hash commands, mixed with keyspace commands that
// delete, expire, rename, copy and overwrite hashes, to pikiraft and to redis-server 7.0, over
// RESP2 and RESP3, and compares every reply with its type (map vs array, null kinds, errors).
//
// Where Redis's answer depends on its memory layout the comparison is by content:
// - field order (HKEYS, HVALS, HGETALL): pikiraft lists fields in byte order, Redis in insertion
//   or hash-table order, so they are compared sorted;
// - HSCAN: a full iteration from cursor 0 is run on both and the sets of pairs compared (a
//   nonzero cursor the server never handed out means a hash-table bucket to Redis and "start
//   over" to pikiraft, so the random cursors are all spellings of 0 or invalid);
// - HRANDFIELD: the reply's type and length, that every field returned is in the hash with the
//   value returned, distinctness for a positive count, and the exact set when it asks for all.
import { describe, expect, it } from 'vitest';
import { pick, plain, sortPlain, str, pairsOf, serverPair, fullPairScan, type Conn, type Plain } from '../helpers/differential.js';
import { RespClient, type RespValue } from '../helpers/resp-client.js';
import { seededRng, type Rng } from '../../src/util/rng.js';

const KEYS = ['h1', 'h2', 'h3', 's'];
const FIELDS = ['a', 'b', 'c', 'd', 'e', 'f1', 'f2', ''];
const LONG = 'L'.repeat(70);
const VALUES = ['1', '-2', 'x', '1.5', '9223372036854775807', '-9223372036854775808', '', ' 1', '10e3', '007', '0x10', 'inf', LONG];
const INTS = ['1', '-1', '0', '100', '-100', '9223372036854775807', '-9223372036854775808', 'x', '1.5', '', ' 1'];
const FLOATS = ['1', '-1', '0', '-0', '0.1', '-0.2', '1.5', '1e3', '3.0e3', '+.5', '7.', '1e308', '1e4000', '-1e4000', '5e-324', '0x1p3', 'x', '', ' 1', '1e', 'inf', '-Infinity', 'nan'];
const COUNTS = ['0', '1', '2', '3', '5', '8', '20', '-1', '-2', '-5', '-20', 'x', '-9223372036854775808', '9223372036854775807', '4611686018427387904'];

function randomCommand(rng: Rng): string[] {
  const k = (): string => pick(rng, KEYS);
  const f = (): string => pick(rng, FIELDS);
  const v = (): string => pick(rng, VALUES);
  const some = <T>(gen: () => T, max: number): T[] => Array.from({ length: 1 + rng.int(max) }, gen);
  const gens: (() => string[])[] = [
    () => ['HSET', k(), ...some(() => [f(), v()], 3).flat()],
    () => ['HSET', k(), ...some(() => [f(), v()], 3).flat()],
    () => ['HSET', k(), f()],
    () => ['HSET', k(), f(), v(), f()],
    () => ['HMSET', k(), ...some(() => [f(), v()], 3).flat()],
    () => ['HMSET', k(), f(), v(), f()],
    () => ['HSETNX', k(), f(), v()],
    () => ['HGET', k(), f()],
    () => ['HMGET', k(), ...some(f, 4)],
    () => ['HDEL', k(), ...some(f, 3)],
    () => ['HLEN', k()],
    () => ['HSTRLEN', k(), f()],
    () => ['HEXISTS', k(), f()],
    () => ['HKEYS', k()],
    () => ['HVALS', k()],
    () => ['HGETALL', k()],
    () => ['HINCRBY', k(), f(), pick(rng, INTS)],
    () => ['HINCRBYFLOAT', k(), f(), pick(rng, FLOATS)],
    () => ['HRANDFIELD', k()],
    () => ['HRANDFIELD', k(), pick(rng, COUNTS)],
    () => ['HRANDFIELD', k(), pick(rng, COUNTS), pick(rng, ['WITHVALUES', 'withvalues', 'FOO'])],
    () => ['HRANDFIELD', k(), pick(rng, COUNTS), 'WITHVALUES', 'x'],
    () => ['HSCAN', k(), pick(rng, ['0', '0', 'x', '', '+0', '-0', ' 0', '18446744073709551616']), ...pick(rng, [[], ['COUNT', '2'], ['COUNT', '0'], ['COUNT', 'x'], ['MATCH', 'f*'], ['MATCH', '*', 'COUNT', '1'], ['TYPE', 'hash'], ['COUNT'], ['FOO', 'bar']])],
    () => ['DEL', k(), k()],
    () => ['EXISTS', k(), k()],
    () => ['TYPE', k()],
    () => ['EXPIRE', k(), pick(rng, ['1000', '-1', '0', 'x']), ...pick(rng, [[], ['NX'], ['XX'], ['GT'], ['LT']])],
    () => ['PERSIST', k()],
    () => ['TTL', k()],
    () => ['RENAME', k(), k()],
    () => ['RENAMENX', k(), k()],
    () => ['COPY', k(), k(), ...pick(rng, [[], ['REPLACE'], ['DB', '1'], ['DB', '1', 'REPLACE']])],
    () => ['SET', k(), v()],
    () => ['GET', k()],
    () => ['INCR', k()],
    () => ['DBSIZE'],
  ];
  // FLUSHDB is rare, so sequences build up state.
  return rng.int(200) === 0 ? ['FLUSHDB'] : pick(rng, gens)();
}

/** HRANDFIELD's reply summarized so that two correct random answers compare equal. */
function randomSummary(argv: string[], reply: RespValue, hash: Map<string, string>): Plain {
  if (reply.t === 'error') return plain(reply);
  if (argv.length === 2) {
    if (reply.t === 'null') return { null: null };
    return { bulk: 'one', valid: reply.t === 'bulk' && hash.has(reply.s) };
  }
  if (reply.t !== 'array') return { unexpected: plain(reply) };
  const count = BigInt(argv[2]!);
  const withValues = argv.length === 4;
  const pairs = withValues ? pairsOf(reply.items) : reply.items.map((i): [string, string] => [str(i), hash.get(str(i)) ?? '?']);
  const valid = pairs.every(([f, v]) => hash.get(f) === v);
  const distinct = new Set(pairs.map(([f]) => f)).size === pairs.length;
  const whole = count >= BigInt(hash.size) ? pairs.map(([f, v]) => `${f}=${v}`).sort() : 'sample';
  return { t: reply.t, n: String(pairs.length), valid, distinct: count > 0n ? distinct : 'n/a', whole };
}

async function hashContents(c: RespClient, key: string): Promise<Map<string, string>> {
  const r = (await c.call('HGETALL', key)).value;
  if (r.t === 'map') return new Map(r.entries.map(([f, v]) => [str(f), str(v)]));
  return r.t === 'array' ? new Map(pairsOf(r.items)) : new Map();
}

/** One command on both servers over the same protocol; replies normalized for comparison. */
async function both(ours: Conn, theirs: Conn, argv: string[]): Promise<[Plain, Plain]> {
  const name = argv[0]!.toUpperCase();
  if (name === 'HSCAN') return Promise.all([fullPairScan(ours, argv), fullPairScan(theirs, argv)]);
  const [a, b] = await Promise.all([ours.c.call(...argv), theirs.c.call(...argv)]);
  if (name === 'HRANDFIELD') {
    // Both servers hold the same hash (every earlier reply matched): validate against ours.
    const hash = await hashContents(ours.c, argv[1]!);
    return [randomSummary(argv, a.value, hash), randomSummary(argv, b.value, hash)];
  }
  return [normalize(name, a.value), normalize(name, b.value)];
}

function normalize(name: string, v: RespValue): Plain {
  // Remaining time drifts between servers: compare only its class.
  if (name === 'TTL' && v.t === 'int' && v.n >= 0n) return 'positive';
  if ((name === 'HKEYS' || name === 'HVALS') && v.t === 'array') return { array: sortPlain(v.items.map(plain)) };
  if (name === 'HGETALL' && v.t === 'map') return { map: sortPlain(v.entries.map(([a, b]) => [plain(a), plain(b)])) };
  if (name === 'HGETALL' && v.t === 'array') return { array: sortPlain(pairsOf(v.items).map(([a, b]) => [a, b])) };
  return plain(v);
}

describe('differential: hashes against redis-server 7.0', () => {
  const { ours, theirs } = serverPair();

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`seed ${seed}: 300 commands give the same replies (RESP2 and RESP3)`, async () => {
      await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
      const rng = seededRng(seed * 7919);
      for (let i = 0; i < 300; i++) {
        const argv = randomCommand(rng);
        const p = rng.int(2);
        const [a, b] = await both(ours[p]!, theirs[p]!, argv);
        expect({ step: i, proto: p + 2, argv, reply: a }).toEqual({ step: i, proto: p + 2, argv, reply: b });
      }
    });
  }

  it('large hashes: hashtable paging, HSCAN with COUNT and MATCH, HRANDFIELD samples, DEL', async () => {
    await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
    // 3000 fields: past listpack's 128 and past pikiraft's read-everything sampling threshold.
    const args: string[] = [];
    for (let i = 0; i < 3000; i++) args.push(`field:${i}`, `value:${i}`);
    for (const proto of [0, 1]) {
      const steps: string[][] = [
        ['HSET', 'big', ...args],
        ['HLEN', 'big'],
        ['HSCAN', 'big', '0', 'COUNT', '7'],
        ['HSCAN', 'big', '0', 'MATCH', 'field:1*', 'COUNT', '100'],
        ['HRANDFIELD', 'big', '5'],
        ['HRANDFIELD', 'big', '2000', 'WITHVALUES'],
        ['HRANDFIELD', 'big', '-50', 'WITHVALUES'],
        ['HRANDFIELD', 'big'],
        ['HKEYS', 'big'],
        ['HDEL', 'big', 'field:1', 'field:2', 'nope'],
        ['HGETALL', 'big'],
        ['DEL', 'big'],
        ['HLEN', 'big'],
        ['HSCAN', 'big', '0'],
      ];
      for (const argv of steps) {
        const [a, b] = await both(ours[proto]!, theirs[proto]!, argv);
        expect({ argv: argv.slice(0, 4), reply: a }).toEqual({ argv: argv.slice(0, 4), reply: b });
      }
    }
  });

  // redis-server 7.0 answers HRANDFIELD ... WITHVALUES over RESP3 with [field, value] arrays.
  it('HRANDFIELD WITHVALUES over RESP3 has the nested pair shape', async () => {
    const [o, t] = [ours[1]!.c, theirs[1]!.c];
    await Promise.all([o.call('HSET', 'pairs', 'a', '1'), t.call('HSET', 'pairs', 'a', '1')]);
    const [a, b] = await Promise.all([o.call('HRANDFIELD', 'pairs', '1', 'WITHVALUES'), t.call('HRANDFIELD', 'pairs', '1', 'WITHVALUES')]);
    expect(a.raw).toBe(b.raw);
  });
});
