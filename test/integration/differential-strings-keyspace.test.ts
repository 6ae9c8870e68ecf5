// Sends the same seeded random command sequences to pikiraft and to redis-server 7.0 and
// compares every reply, errors included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { seededRng, type Rng } from '../../src/util/rng.js';

const KEYS = ['a', 'b', 'c', 'n'];
const VALUES = ['', 'x', 'hello', '10', '-3', '9223372036854775807', '007', '1.5', ' 1', 'bin\u0000ary', '3.0e3', '-0.25', 'ohmytext', 'mynewtext'];
/** INCRBYFLOAT increments: integers, fractions, exponents, extreme magnitudes, hex, and non-floats. */
const FLOATS = [
  '1', '-1', '0', '-0', '10', '0.1', '-0.2', '1.5', '0.3333333333333333', '1e3', '3.0e3', '-2.5E-3', '5e-1', '+.5', '7.',
  '1e17', '1e20', '-1e19', '1.7976931348623157e308', '1e308', '1e-20', '5e-324', '1e4000', '-1e4000', '1e-4940',
  '9223372036854775807', '0x1p3', '0x1.8P-1',
  'x', '', '1.2.3', ' 1', '1 ', '1e', '.', 'inf', '-Infinity', 'nan', '1e5000', '1e-5000',
];
const LCS_OPTIONS = [
  [], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', '2'], ['idx', 'minmatchlen', '0', 'withmatchlen'],
  ['MINMATCHLEN', '-3', 'IDX', 'WITHMATCHLEN'], ['LEN', 'WITHMATCHLEN', 'MINMATCHLEN', '5'], ['LEN', 'IDX'], ['IDX', 'len'],
  ['MINMATCHLEN'], ['MINMATCHLEN', 'x'], ['MINMATCHLEN', 'x', 'LEN', 'IDX'], ['FOO'], ['IDX', 'IDX', 'MINMATCHLEN', '9', 'MINMATCHLEN', '1'],
];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

/** One random command; TTL-dependent replies are normalized by the caller. */
function randomCommand(rng: Rng): string[] {
  const k = (): string => pick(rng, KEYS);
  const v = (): string => pick(rng, VALUES);
  const n = (): string => pick(rng, ['0', '1', '-1', '3', '-100', '100', 'x', '9223372036854775807', '-9223372036854775808']);
  const gens: (() => string[])[] = [
    () => ['SET', k(), v()],
    () => ['SET', k(), v(), ...pick(rng, [['NX'], ['XX'], ['GET'], ['NX', 'GET'], ['XX', 'EX', '1000'], ['KEEPTTL'], ['EX', '0'], ['PX', 'x'], ['NX', 'XX'], ['EX', '10', 'PX', '10']])],
    () => ['GET', k()],
    () => ['SETNX', k(), v()],
    () => ['SETEX', k(), pick(rng, ['1000', '0', '-1', 'x']), v()],
    () => ['PSETEX', k(), pick(rng, ['100000', '0']), v()],
    () => ['GETSET', k(), v()],
    () => ['GETDEL', k()],
    () => ['MGET', k(), k(), k()],
    () => ['MSET', k(), v(), k(), v()],
    () => ['MSET', k(), v(), k()],
    () => ['MSETNX', k(), v(), k(), v()],
    () => ['APPEND', k(), v()],
    () => ['STRLEN', k()],
    () => ['GETRANGE', k(), n(), n()],
    () => ['SUBSTR', k(), n(), n()],
    () => ['SETRANGE', k(), pick(rng, ['0', '1', '5', '-1', 'x']), v()],
    () => ['INCR', k()],
    () => ['DECR', k()],
    () => ['INCRBY', k(), n()],
    () => ['DECRBY', k(), n()],
    () => ['DEL', k(), k()],
    () => ['UNLINK', k()],
    () => ['EXISTS', k(), k(), k()],
    () => ['TYPE', k()],
    () => ['EXPIRE', k(), pick(rng, ['1000', '2000', '-1', 'x', '9223372036854775807']), ...pick(rng, [[], ['NX'], ['XX'], ['GT'], ['LT'], ['NX', 'XX'], ['GT', 'LT'], ['FOO']])],
    () => ['PEXPIRE', k(), pick(rng, ['1000000', '0'])],
    () => ['EXPIREAT', k(), pick(rng, ['1', '99999999999'])],
    () => ['PERSIST', k()],
    () => ['TTL', k()],
    () => ['PTTL', k()],
    () => ['DBSIZE'],
    () => ['KEYS', pick(rng, ['*', 'a*', '[ab]', '?'])],
    () => ['RENAME', k(), k()],
    () => ['RENAMENX', k(), k()],
    () => ['TOUCH', k(), k()],
    () => ['MOVE', k(), pick(rng, ['0', '1', '2', '16', '-1', 'x'])],
    () => ['COPY', k(), k(), ...pick(rng, [[], ['REPLACE'], ['DB', '1'], ['DB', '0'], ['DB', '1', 'REPLACE'], ['DB', 'x'], ['DB', '16'], ['FOO']])],
    () => ['GETEX', k(), ...pick(rng, [[], ['PERSIST'], ['EX', '1000'], ['PX', '0'], ['EXAT', '1'], ['EX', 'x'], ['PERSIST', 'EX', '10'], ['FOO']])],
    () => ['SWAPDB', pick(rng, ['0', '1', 'x', '16']), pick(rng, ['1', '0', '-1'])],
    () => ['INCRBYFLOAT', k(), pick(rng, FLOATS)],
    () => ['INCRBYFLOAT', k(), pick(rng, FLOATS)],
    () => ['INCRBYFLOAT', k()],
    () => ['LCS', k(), k(), ...pick(rng, LCS_OPTIONS)],
    () => ['LCS', k(), k(), ...pick(rng, LCS_OPTIONS)],
    () => ['FLUSHDB'],
  ];
  // FLUSHDB is rare so sequences build up state.
  const i = rng.int(gens.length * 4);
  return gens[i < gens.length * 4 - 1 ? i % (gens.length - 1) : gens.length - 1]!();
}

async function send(client: Redis, argv: string[]): Promise<unknown> {
  try {
    const reply = await client.call(argv[0]!, ...argv.slice(1));
    const name = argv[0]!.toUpperCase();
    // Remaining time drifts between servers: compare only its class.
    if ((name === 'TTL' || name === 'PTTL') && typeof reply === 'number' && reply >= 0) return 'positive';
    if (name === 'KEYS' && Array.isArray(reply)) return [...reply].sort();
    return reply;
  } catch (e) {
    return `ERROR: ${(e as Error).message}`;
  }
}

describe('differential: strings and keyspace against redis-server 7.0', () => {
  let server: ServerHandle;
  let redis: RedisHandle;
  let ours: Redis;
  let theirs: Redis;

  beforeAll(async () => {
    [server, redis] = await Promise.all([startServer(), startRedis()]);
    ours = new Redis({ port: server.port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0 });
    theirs = new Redis({ port: redis.port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0 });
  });

  afterAll(async () => {
    ours?.disconnect();
    theirs?.disconnect();
    await Promise.all([server?.cleanup(), redis?.stop()]);
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`seed ${seed}: 300 commands give identical replies`, async () => {
      await Promise.all([ours.call('FLUSHALL'), theirs.call('FLUSHALL')]);
      const rng = seededRng(seed);
      for (let i = 0; i < 300; i++) {
        const argv = randomCommand(rng);
        const [a, b] = await Promise.all([send(ours, argv), send(theirs, argv)]);
        expect({ step: i, argv, reply: a }).toEqual({ step: i, argv, reply: b });
      }
    });
  }
});
