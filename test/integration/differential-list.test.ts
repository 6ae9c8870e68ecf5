// Sends the same seeded random sequences of list commands, mixed with keyspace commands that
// delete, expire, rename, copy and overwrite lists and with SET/HSET keys (WRONGTYPE), to
// pikiraft and to redis-server 7.0, over RESP2 and RESP3, and compares every reply exactly with
// its type (nil bulk vs nil array vs empty array, errors). Lists are ordered, so no reply needs
// normalizing beyond TTL's remaining time.
import { describe, expect, it } from 'vitest';
import { pick, plain, serverPair, type Plain } from '../helpers/differential.js';
import type { RespValue } from '../helpers/resp-client.js';
import { seededRng, type Rng } from '../../src/util/rng.js';

const KEYS = ['l1', 'l2', 'l3', 's', 'h'];
const ELEMENTS = ['a', 'b', 'c', 'a', 'b', '', 'xyz', '1'];
const INDICES = ['0', '1', '2', '3', '-1', '-2', '-3', '5', '-5', '100', '-100', 'x', '', '1.5', '9223372036854775807', '-9223372036854775808', '9223372036854775808'];
const COUNTS = ['0', '1', '2', '3', '10', '-1', '-2', 'x', '9223372036854775807', '-9223372036854775808'];
const ENDS = ['LEFT', 'RIGHT', 'left', 'Right', 'middle'];

function randomCommand(rng: Rng): string[] {
  const k = (): string => pick(rng, KEYS);
  const e = (): string => pick(rng, ELEMENTS);
  const i = (): string => pick(rng, INDICES);
  const n = (): string => pick(rng, COUNTS);
  const end = (): string => pick(rng, ENDS);
  const some = <T>(gen: () => T, max: number): T[] => Array.from({ length: 1 + rng.int(max) }, gen);
  const lposOpts = (): string[] =>
    some(() => pick(rng, [['RANK', pick(rng, ['1', '2', '-1', '-2', '0', 'x', '-9223372036854775808', '9223372036854775807'])], ['COUNT', pick(rng, ['0', '1', '2', '-1', 'x'])], ['MAXLEN', pick(rng, ['0', '1', '3', '-1', 'x'])], ['FOO'], ['RANK']]), 3).flat();
  const gens: (() => string[])[] = [
    () => ['LPUSH', k(), ...some(e, 4)],
    () => ['LPUSH', k(), ...some(e, 6)],
    () => ['RPUSH', k(), ...some(e, 4)],
    () => ['RPUSH', k(), ...some(e, 6)],
    () => ['RPUSH', k(), ...some(e, 6)],
    () => ['LPUSHX', k(), ...some(e, 3)],
    () => ['RPUSHX', k(), ...some(e, 3)],
    () => ['LPUSH', k()],
    () => ['LPOP', k()],
    () => ['RPOP', k()],
    () => ['LPOP', k(), n()],
    () => ['RPOP', k(), n()],
    () => ['RPOP', k(), '1', '2'],
    () => ['LLEN', k()],
    () => ['LINDEX', k(), i()],
    () => ['LSET', k(), i(), e()],
    () => ['LRANGE', k(), i(), i()],
    () => ['LRANGE', k(), '0', '-1'],
    () => ['LRANGE', k(), '0', '-1'],
    () => ['LTRIM', k(), i(), i()],
    () => ['LREM', k(), n(), e()],
    () => ['LINSERT', k(), pick(rng, ['BEFORE', 'after', 'AFTER', 'before', 'middle']), e(), e()],
    () => ['LPOS', k(), e()],
    () => ['LPOS', k(), e(), ...lposOpts()],
    () => ['LMOVE', k(), k(), end(), end()],
    () => ['LMOVE', k(), k(), end(), end()],
    () => ['RPOPLPUSH', k(), k()],
    () => ['LMPOP', pick(rng, ['1', '2', '3', '0', '-1', 'x', '9']), ...some(k, 3), end(), ...pick(rng, [[], ['COUNT', n()], ['COUNT'], ['COUNT', '2', 'COUNT', '1'], ['FOO']])],
    () => ['LMPOP', '2', k(), k(), end()],
    () => ['DEL', k()],
    () => ['EXISTS', k(), k()],
    () => ['TYPE', k()],
    () => ['OBJECT', 'ENCODING', k()],
    () => ['EXPIRE', k(), pick(rng, ['1000', '-1', '0'])],
    () => ['TTL', k()],
    () => ['RENAME', k(), k()],
    () => ['COPY', k(), k(), ...pick(rng, [[], ['REPLACE']])],
    // Strings and hashes mostly at their own keys, now and then over a list.
    () => ['SET', pick(rng, ['s', 's', 's', 'l1']), e()],
    () => ['HSET', pick(rng, ['h', 'h', 'h', 'l2']), e(), e()],
    () => ['GET', k()],
    () => ['DBSIZE'],
  ];
  return rng.int(200) === 0 ? ['FLUSHDB'] : pick(rng, gens)();
}

describe('differential: lists against redis-server 7.0', () => {
  const { ours, theirs } = serverPair();

  /** One command on both servers over the same protocol; raw bytes must match too. */
  async function check(p: number, argv: string[], step: number): Promise<RespValue> {
    const [a, b] = await Promise.all([ours[p]!.c.call(...argv), theirs[p]!.c.call(...argv)]);
    const name = argv[0]!.toUpperCase();
    // Remaining time drifts between servers: compare only its class.
    const norm = (v: RespValue): Plain => (name === 'TTL' && v.t === 'int' && v.n >= 0n ? 'positive' : plain(v));
    expect({ step, proto: p + 2, argv, reply: norm(a.value) }).toEqual({ step, proto: p + 2, argv, reply: norm(b.value) });
    if (name !== 'TTL') expect(a.raw).toBe(b.raw);
    return a.value;
  }

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`seed ${seed}: 400 commands give the same replies (RESP2 and RESP3)`, async () => {
      await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
      const rng = seededRng(seed * 7727);
      let longest = 0;
      for (let i = 0; i < 400; i++) {
        const r = await check(rng.int(2), randomCommand(rng), i);
        if (r.t === 'array') longest = Math.max(longest, r.items.length);
      }
      // The sequence did build lists worth comparing.
      expect(longest).toBeGreaterThanOrEqual(4);
      // The final contents of every key agree too.
      for (const key of KEYS) await check(0, ['LRANGE', key, '0', '-1'], 400);
    });
  }

  // Pipelined commands share one apply batch: records deleted by a range delete (runs of 64 and
  // more) and written again in the same batch must read back as written.
  it('pipelined long runs: range deletes and rewrites of the same positions in one batch', async () => {
    await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
    const many = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const steps: string[][] = [
      ['RPUSH', 'p', ...many('a', 300)],
      ['LPOP', 'p', '100'],
      ['LPUSH', 'p', ...many('b', 150)],
      ['LRANGE', 'p', '0', '-1'],
      ['LTRIM', 'p', '80', '-80'],
      ['RPUSH', 'p', ...many('c', 100)],
      ['LRANGE', 'p', '0', '-1'],
      ['RPOP', 'p', '120'],
      ['LINSERT', 'p', 'BEFORE', 'a150', 'x'],
      ['LREM', 'p', '0', 'x'],
      ['LMPOP', '1', 'p', 'LEFT', 'COUNT', '70'],
      ['LRANGE', 'p', '0', '-1'],
      ['LTRIM', 'p', '1', '0'],
      ['RPUSH', 'p', 'again'],
      ['LRANGE', 'p', '0', '-1'],
    ];
    for (const proto of [0, 1]) {
      const [a, b] = await Promise.all([Promise.all(steps.map((argv) => ours[proto]!.c.call(...argv))), Promise.all(steps.map((argv) => theirs[proto]!.c.call(...argv)))]);
      expect(a.map((r) => r.raw)).toEqual(b.map((r) => r.raw));
      for (const c of [ours[proto]!.c, theirs[proto]!.c]) await c.call('DEL', 'p');
    }
    for (const argv of [['LRANGE', 'p', '0', '-1'], ['EXISTS', 'p']]) await check(0, argv, 0);
  });

  it('long lists: pushes at both ends, ranges, trims, inserts and removals in the middle', async () => {
    await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
    const many = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i % 7}`);
    const steps: string[][] = [
      ['RPUSH', 'big', ...many('r', 500)],
      ['LPUSH', 'big', ...many('l', 500)],
      ['LLEN', 'big'],
      ['LINDEX', 'big', '777'],
      ['LINDEX', 'big', '-333'],
      ['LRANGE', 'big', '490', '520'],
      ['LRANGE', 'big', '-20', '-1'],
      ['LINSERT', 'big', 'BEFORE', 'r3', 'mid'],
      ['LINSERT', 'big', 'AFTER', 'l5', 'early'],
      ['LPOS', 'big', 'mid'],
      ['LPOS', 'big', 'r2', 'RANK', '-3', 'COUNT', '5'],
      ['LPOS', 'big', 'l1', 'COUNT', '0', 'MAXLEN', '100'],
      ['LREM', 'big', '3', 'l4'],
      ['LREM', 'big', '-4', 'r1'],
      ['LREM', 'big', '0', 'r6'],
      ['LSET', 'big', '600', 'set'],
      ['LTRIM', 'big', '100', '-100'],
      ['LRANGE', 'big', '0', '-1'],
      ['LPOP', 'big', '50'],
      ['RPOP', 'big', '50'],
      ['LMPOP', '2', 'nope', 'big', 'RIGHT', 'COUNT', '30'],
      ['LMOVE', 'big', 'other', 'LEFT', 'RIGHT'],
      ['RPOPLPUSH', 'big', 'big'],
      ['LRANGE', 'big', '0', '-1'],
      ['LTRIM', 'big', '5', '1'],
      ['EXISTS', 'big'],
      ['LRANGE', 'other', '0', '-1'],
    ];
    for (const proto of [0, 1]) {
      for (const [i, argv] of steps.entries()) await check(proto, argv, i);
    }
  });
});
