// INCRBYFLOAT and LCS edge cases, each checked against redis-server 7.0 rather than against
// expectations written by hand: x87 long double rounding, strtold's grammar and ranges,
// "%.17Lf" printing, and LCS's option parsing, error order and range walk.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { seededRng, type Rng } from '../../src/util/rng.js';

let server: ServerHandle;
let redis: RedisHandle;
let ours: Redis;
let theirs: Redis;

beforeAll(async () => {
  [server, redis] = await Promise.all([startServer(), startRedis()]);
  ours = server.client();
  theirs = redis.client();
});

afterAll(async () => {
  await Promise.all([server?.cleanup(), redis?.stop()]);
});

beforeEach(async () => {
  await Promise.all([ours.call('FLUSHALL'), theirs.call('FLUSHALL')]);
});

/** The reply as bytes (binary-safe), or the error text. */
async function send(client: Redis, argv: readonly (string | Buffer)[]): Promise<unknown> {
  try {
    return await client.callBuffer(String(argv[0]), ...argv.slice(1));
  } catch (e) {
    return `ERROR: ${(e as Error).message}`;
  }
}

/** Sends argv to both servers and expects identical replies; returns pikiraft's. */
async function same(...argv: (string | Buffer)[]): Promise<unknown> {
  const [a, b] = await Promise.all([send(ours, argv), send(theirs, argv)]);
  expect({ argv: argv.map(String), reply: a }).toEqual({ argv: argv.map(String), reply: b });
  return a;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

describe('INCRBYFLOAT against redis-server 7.0', () => {
  /** [initial value (null = key absent), increment] */
  const cases: [string | null, string][] = [
    // Documented examples and "human" decimals that float64 would print with noise.
    ['10.50', '0.1'], ['5.0e3', '2.0e2'], ['3.0e3', '1'], ['0.1', '0.2'], ['1.1', '2.2'], [null, '0.1'], ['-1.5', '1.5'],
    // Precision at the 64-bit-mantissa edge and the 17th decimal (2^-18 is a printf tie: half to even).
    ['1', '1e-17'], ['1', '5e-18'], ['1', '1.5e-17'], [null, '0.000003814697265625'], [null, '0.000011444091796875'],
    ['18446744073709551615', '1'], ['9223372036854775807', '1'], ['-9223372036854775808', '-0.5'], ['12345678901234567890', '0.5'],
    ['0.3333333333333333333333', '0.6666666666666666666667'], ['1e-30', '1e30'],
    // Large and tiny magnitudes: long double reaches 1.19e4932 and subnormals near 3.6e-4951.
    [null, '1e20'], ['1e20', '1'], ['1e308', '1e308'], [null, '1.7976931348623157e308'], [null, '1e4932'],
    [null, '1.18973149535723176502e+4932'], ['1.18973149535723176502e+4932', '1e4932'], ['-1.18973149535723176502e+4932', '-1e4932'],
    [null, '1e-4940'], [null, '3.6e-4951'], [null, '1e-4952'], [null, '1e-5000'], [null, '1e5000'], [null, '0e-99999'], [null, '0e99999'],
    // Exponent spellings and hex floats (strtold accepts them; Redis does not filter them out).
    [null, '1E3'], [null, '1e+03'], [null, '2.5e-0003'], [null, '+.5'], [null, '7.'], [null, '0x10'], ['0x1.8p1', '0X1P-2'], [null, '0x.8'],
    // Signed zeros: Redis prints "-0" as "0".
    ['-0', '-0'], ['0', '-0'], [null, '-0.0'], ['0', '-1e-20'], ['1', '-1'],
    // Infinities are valid floats but invalid results; NaN is not a float at all.
    [null, 'inf'], [null, '-Infinity'], [null, 'INF'], ['inf', '1'], ['inf', '-inf'], [null, 'nan'], [null, 'NaN(1)'], ['nan', '1'],
    // Not floats: spaces, garbage, truncated forms, embedded NUL, the 5120-byte limit.
    [null, ''], [null, ' 1'], [null, '1 '], [null, '1e'], [null, '1e+'], [null, '.'], [null, '-'], [null, '1.2.3'], [null, 'abc'],
    [null, '0x'], [null, '0x1p'], [null, '1_000'], [null, 'infinit'], ['abc', '1'], ['', '1'], ['1\u00001', '1'], [' 2', '1'],
    [null, `0.${'1'.repeat(5117)}`], [null, `0.${'1'.repeat(5118)}`], [`0.${'3'.repeat(5118)}`, '1'],
  ];
  for (const [initial, incr] of cases) {
    it(`${initial === null ? '(absent)' : JSON.stringify(initial.slice(0, 40))} + ${JSON.stringify(incr.slice(0, 40))}`, async () => {
      if (initial !== null) await same('SET', 'k', initial);
      await same('INCRBYFLOAT', 'k', incr);
      await same('GET', 'k');
    });
  }

  it('0.1 + 0.2 is "0.3" (extended precision, not float64)', async () => {
    await same('INCRBYFLOAT', 'k', '0.1');
    expect(String(await same('INCRBYFLOAT', 'k', '0.2'))).toBe('0.3');
  });

  it('keeps the TTL, like Redis (replicated there as SET ... KEEPTTL)', async () => {
    await same('SET', 'k', '1', 'EX', '1000');
    await same('INCRBYFLOAT', 'k', '1.5');
    const [a, b] = await Promise.all([ours.ttl('k'), theirs.ttl('k')]);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it('arity errors', async () => {
    await same('INCRBYFLOAT', 'k');
    await same('INCRBYFLOAT', 'k', '1', '2');
  });

  it('random chains of increments give the same bytes', async () => {
    const rng = seededRng(7);
    const digits = (n: number): string => Array.from({ length: n }, () => String(rng.int(10))).join('');
    const gens: (() => string)[] = [
      () => digits(1 + rng.int(19)),
      () => `${pick(rng, ['', '-'])}${digits(rng.int(4))}.${digits(1 + rng.int(20))}`,
      () => `${pick(rng, ['', '-'])}${digits(1 + rng.int(3))}${pick(rng, ['e', 'E'])}${pick(rng, ['', '+', '-'])}${rng.int(40)}`,
      () => `${pick(rng, ['', '-'])}${digits(1 + rng.int(3))}.${digits(2)}e${pick(rng, ['', '-'])}${rng.int(4940)}`,
      () => `${pick(rng, ['', '-'])}0x${rng.int(1 << 30).toString(16)}p${pick(rng, ['', '-'])}${rng.int(80)}`,
    ];
    for (let i = 0; i < 400; i++) {
      if (rng.int(20) === 0) await same('DEL', 'k');
      await same('INCRBYFLOAT', 'k', pick(rng, gens)());
    }
  });
});

describe('LCS against redis-server 7.0', () => {
  const OPTION_SETS: string[][] = [
    [], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', '2'], ['IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
    ['idx', 'minmatchlen', '-5', 'withmatchlen'], ['WITHMATCHLEN'], ['MINMATCHLEN', '3'], ['LEN', 'MINMATCHLEN', '1', 'WITHMATCHLEN'],
    ['IDX', 'IDX', 'MINMATCHLEN', '9', 'MINMATCHLEN', '1'], ['IDX', 'MINMATCHLEN', '9223372036854775807'],
  ];

  it('the documented example with every option combination', async () => {
    await same('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    for (const opts of OPTION_SETS) await same('LCS', 'key1', 'key2', ...opts);
  });

  it('missing keys are empty strings', async () => {
    await same('SET', 'a', 'hello');
    for (const opts of OPTION_SETS) {
      await same('LCS', 'a', 'nope', ...opts);
      await same('LCS', 'nope', 'a', ...opts);
      await same('LCS', 'nope', 'nope2', ...opts);
    }
  });

  it('option errors and their order', async () => {
    await same('MSET', 'a', 'abc', 'b', 'abd');
    for (const opts of [
      ['LEN', 'IDX'], ['idx', 'len'], ['MINMATCHLEN'], ['MINMATCHLEN', 'x'], ['MINMATCHLEN', '1.5'], ['MINMATCHLEN', 'x', 'LEN', 'IDX'],
      ['LEN', 'IDX', 'MINMATCHLEN', 'x'], ['LEN', 'IDX', 'FOO'], ['FOO', 'LEN', 'IDX'], ['IDX', 'MINMATCHLEN', '1', 'MINMATCHLEN'],
      ['MINMATCHLEN', '99999999999999999999'], ['WITHMATCHLEN', 'LEN', 'IDX'],
    ]) {
      await same('LCS', 'a', 'b', ...opts);
    }
    await same('LCS', 'a');
  });

  it('binary strings, repeats and same key twice', async () => {
    const bin1 = Buffer.from([0, 1, 2, 255, 0, 1, 0, 128, 2]);
    const bin2 = Buffer.from([1, 0, 255, 2, 0, 0, 128, 1, 2, 0]);
    await same('SET', 'x', bin1);
    await same('SET', 'y', bin2);
    await same('MSET', 'r1', 'aaaaaaaaaa', 'r2', 'aaaa', 's', 'abcabcabcabc', 't', 'cbacbacba');
    for (const [k1, k2] of [['x', 'y'], ['y', 'x'], ['r1', 'r2'], ['s', 't'], ['t', 's'], ['s', 's'], ['x', 'x']] as const) {
      for (const opts of OPTION_SETS) await same('LCS', k1, k2, ...opts);
    }
  });

  it('random strings over small alphabets', async () => {
    const rng = seededRng(11);
    const word = (alphabet: string, max: number): string =>
      Array.from({ length: rng.int(max + 1) }, () => alphabet[rng.int(alphabet.length)]!).join('');
    for (let i = 0; i < 150; i++) {
      const alphabet = pick(rng, ['ab', 'abc', 'acgt', 'abcdefghij']);
      await same('MSET', 'a', word(alphabet, 40), 'b', word(alphabet, 40));
      await same('LCS', 'a', 'b', ...pick(rng, OPTION_SETS));
    }
  });

  it('a table above 512 MiB (the default proto-max-bulk-len) is refused before allocating', async () => {
    await same('SET', 'a', 'a'.repeat(12_000));
    await same('SET', 'b', 'b'.repeat(12_000));
    await same('LCS', 'a', 'b', 'LEN');
    // Option errors come first.
    await same('LCS', 'a', 'b', 'LEN', 'IDX');
  });

  it('IDX is a RESP3 map', () => {
    const cli = (port: number): string =>
      execFileSync('redis-cli', ['--no-raw', '-3', '-p', String(port), 'LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN']).toString();
    execFileSync('redis-cli', ['-p', String(server.port), 'MSET', 'key1', 'ohmytext', 'key2', 'mynewtext']);
    execFileSync('redis-cli', ['-p', String(redis.port), 'MSET', 'key1', 'ohmytext', 'key2', 'mynewtext']);
    const out = cli(server.port);
    expect(out).toBe(cli(redis.port));
    expect(out).toContain('1# "matches" =>');
  });
});
