// OBJECT ENCODING/FREQ/IDLETIME/REFCOUNT/HELP and DEBUG SLEEP/HELP against redis-server 7.0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { itemsOf, RespClient, textOf } from '../helpers/resp-client.js';

let pikiraft: ServerHandle;
let redis: RedisHandle;
const ours: Record<2 | 3, RespClient> = {} as Record<2 | 3, RespClient>;
const theirs: Record<2 | 3, RespClient> = {} as Record<2 | 3, RespClient>;

beforeAll(async () => {
  // Redis 7.0 refuses DEBUG unless enable-debug-command allows it.
  [pikiraft, redis] = await Promise.all([startServer(), startRedis(['--enable-debug-command', 'yes'])]);
  for (const proto of [2, 3] as const) {
    ours[proto] = await RespClient.connect(pikiraft.port);
    theirs[proto] = await RespClient.connect(redis.port);
    if (proto === 3) await Promise.all([ours[3].call('HELLO', '3'), theirs[3].call('HELLO', '3')]);
  }
});

afterAll(async () => {
  for (const proto of [2, 3] as const) {
    ours[proto]?.close();
    theirs[proto]?.close();
  }
  await Promise.all([pikiraft?.cleanup(), redis?.stop()]);
});

async function sameBytes(proto: 2 | 3, ...args: string[]): Promise<string> {
  const [o, t] = await Promise.all([ours[proto].call(...args), theirs[proto].call(...args)]);
  expect(o.raw, args.join(' ')).toBe(t.raw);
  return o.raw;
}

const STRING_VALUES = [
  '0',
  '1',
  '9999',
  '10000',
  '-1',
  '-0',
  '007',
  '+5',
  ' 5',
  '5 ',
  '1.5',
  '1e3',
  '',
  'x',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '-9223372036854775809',
  '12345678901234567890',
  '123456789012345678901',
  'a'.repeat(44),
  'a'.repeat(45),
  '1'.repeat(44),
  'é'.repeat(22),
  'b'.repeat(1000),
];

describe('OBJECT', () => {
  it('ENCODING and REFCOUNT of strings written by SET, MSET, SETNX, SETEX, GETSET', async () => {
    for (const [i, value] of STRING_VALUES.entries()) {
      const writes = [
        ['SET', `s${i}`, value],
        ['MSET', `m${i}`, value],
        ['SETNX', `n${i}`, value],
        ['SETEX', `e${i}`, '100', value],
        ['GETSET', `g${i}`, value],
      ];
      for (const w of writes) {
        await sameBytes(2, ...w);
        for (const proto of [2, 3] as const) {
          await sameBytes(proto, 'OBJECT', 'ENCODING', w[1]!);
          await sameBytes(proto, 'OBJECT', 'REFCOUNT', w[1]!);
        }
      }
    }
  });

  it('ENCODING and REFCOUNT after INCR, DECRBY and INCRBY cross the shared-integer range', async () => {
    for (const [key, start, op, by] of [
      ['i1', '9998', 'INCR', null],
      ['i2', '9999', 'INCR', null],
      ['i3', '0', 'DECRBY', '1'],
      ['i4', '-1', 'INCRBY', '10001'],
      ['i5', '9223372036854775806', 'INCR', null],
    ] as const) {
      await sameBytes(2, 'SET', key, start);
      await sameBytes(2, ...(by === null ? [op, key] : [op, key, by]));
      await sameBytes(2, 'OBJECT', 'ENCODING', key);
      await sameBytes(2, 'OBJECT', 'REFCOUNT', key);
    }
    // INCR on a missing key creates the shared integer 1.
    await sameBytes(2, 'INCR', 'fresh');
    await sameBytes(3, 'OBJECT', 'REFCOUNT', 'fresh');
  });

  it('ENCODING of hashes follows their history (listpack until a long value or many fields)', async () => {
    const steps: string[][] = [
      ['HSET', 'h1', 'f', 'short'],
      ['HSET', 'h2', 'f', 'v'.repeat(65)],
      ['HSET', 'h3', 'f', 'v'.repeat(65)],
      ['HSET', 'h3', 'f', 'short'], // converted once, stays hashtable
      ['HSET', 'h4', ...Array.from({ length: 513 }, (_, i) => [`f${i}`, 'x']).flat()],
      ['HDEL', 'h4', 'f0', 'f1', 'f2'],
    ];
    for (const step of steps) {
      await sameBytes(2, ...step);
      await sameBytes(2, 'OBJECT', 'ENCODING', step[1]!);
    }
  });

  it('ENCODING of sets: intset while all members are integers and there are at most 512', async () => {
    const steps: string[][] = [
      ['SADD', 's1', '1', '2', '3'],
      ['SADD', 's2', '1', 'x'],
      ['SADD', 's3', ...Array.from({ length: 513 }, (_, i) => String(i))],
      ['SREM', 's3', '0', '1'],
    ];
    for (const step of steps) {
      await sameBytes(2, ...step);
      await sameBytes(2, 'OBJECT', 'ENCODING', step[1]!);
    }
  });

  it('a missing or expired key is nil for every subcommand', async () => {
    await sameBytes(2, 'PSETEX', 'gone', '1', 'v');
    await new Promise((r) => setTimeout(r, 20));
    for (const proto of [2, 3] as const) {
      for (const sub of ['ENCODING', 'FREQ', 'IDLETIME', 'REFCOUNT', 'encoding']) {
        await sameBytes(proto, 'OBJECT', sub, 'missing');
        await sameBytes(proto, 'OBJECT', sub, 'gone');
      }
    }
  });

  it('FREQ without an LFU policy is the same error', async () => {
    await sameBytes(2, 'SET', 'f', 'v');
    expect(await sameBytes(2, 'OBJECT', 'FREQ', 'f')).toContain('-ERR An LFU maxmemory policy is not selected');
  });

  it('IDLETIME is refused: pikiraft records no access times (documented in keyspace.ts)', async () => {
    await sameBytes(2, 'SET', 'idle', 'v');
    const reply = await ours[2].call('OBJECT', 'IDLETIME', 'idle');
    expect(reply.value).toEqual({ t: 'error', s: 'ERR Key access times are not recorded by pikiraft, idle time not tracked.' });
  });

  it('HELP and argument errors', async () => {
    for (const proto of [2, 3] as const) {
      for (const args of [
        ['OBJECT', 'HELP'],
        ['OBJECT', 'help'],
        ['OBJECT', 'HELP', 'x'],
        ['OBJECT'],
        ['OBJECT', 'foo'],
        ['OBJECT', 'foo', 'k'],
        ['OBJECT', 'ENCODING'],
        ['OBJECT', 'ENCODING', 'a', 'b'],
        ['OBJECT', 'REFCOUNT'],
      ]) {
        await sameBytes(proto, ...args);
      }
    }
  });

  it('documented difference: a value grown by APPEND is reported as if it had been SET', async () => {
    // Redis remembers that APPEND made a raw string; pikiraft stores only the bytes.
    await ours[2].call('SET', 'ap', 'ab');
    await ours[2].call('APPEND', 'ap', 'c');
    expect((await ours[2].call('OBJECT', 'ENCODING', 'ap')).value).toEqual({ t: 'bulk', s: 'embstr' });
  });
});

describe('DEBUG', () => {
  it('unknown subcommands, wrong argument counts and SLEEP arguments answer as redis-server', async () => {
    for (const proto of [2, 3] as const) {
      for (const args of [
        ['DEBUG'],
        ['DEBUG', 'foo'],
        ['DEBUG', 'foo', 'bar'],
        ['DEBUG', 'SLEEP'],
        ['DEBUG', 'sleep', '0', '1'],
        ['DEBUG', 'HELP', 'x'],
        ['DEBUG', 'SLEEP', '0'],
        ['DEBUG', 'sleep', 'abc'],
        ['DEBUG', 'SLEEP', '-1'],
        ['DEBUG', 'SLEEP', 'inf'],
        ['DEBUG', 'SLEEP', 'nan'],
        ['DEBUG', 'SLEEP', '1e300'],
        ['DEBUG', 'SLEEP', '0.01'],
        ['DEBUG', 'SLEEP', '0x1p-8'],
        ['DEBUG', 'SLEEP', ` ${'x'.repeat(200)}`],
      ]) {
        await sameBytes(proto, ...args);
      }
    }
  });

  it("subcommands Redis has and pikiraft does not get Redis's unknown-subcommand error", async () => {
    for (const sub of ['DIGEST', 'object', 'RELOAD', 'SEGFAULT']) {
      expect((await ours[2].call('DEBUG', sub, 'k')).value).toEqual({
        t: 'error',
        s: `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try DEBUG HELP.`,
      });
    }
  });

  it('HELP lists SLEEP in the shape of Redis help replies', async () => {
    for (const proto of [2, 3] as const) {
      const [o, t] = await Promise.all([ours[proto].call('DEBUG', 'HELP'), theirs[proto].call('DEBUG', 'HELP')]);
      const mine = itemsOf(o.value);
      const ref = itemsOf(t.value);
      expect(mine.every((l) => l.t === 'simple')).toBe(true);
      expect(mine[0]).toEqual(ref[0]);
      expect(mine.slice(-2)).toEqual(ref.slice(-2));
      expect(mine.map(textOf)).toContain('SLEEP <seconds>');
    }
  });

  it("SLEEP holds this connection's replies, in order, while other clients are served", async () => {
    const sleeper = await RespClient.connect(pikiraft.port);
    const other = await RespClient.connect(pikiraft.port);
    try {
      const start = performance.now();
      const sleep = sleeper.call('DEBUG', 'SLEEP', '0.3').then((r) => ({ r, at: performance.now() - start }));
      const after = sleeper.call('PING').then((r) => ({ r, at: performance.now() - start }));
      const pong = await other.call('PING');
      const otherAt = performance.now() - start;
      expect(pong.value).toEqual({ t: 'simple', s: 'PONG' });
      const [s, p] = await Promise.all([sleep, after]);
      expect(s.r.value).toEqual({ t: 'simple', s: 'OK' });
      expect(s.at).toBeGreaterThanOrEqual(295);
      expect(p.at).toBeGreaterThanOrEqual(s.at);
      expect(otherAt).toBeLessThan(s.at);
    } finally {
      sleeper.close();
      other.close();
    }
  });
});
