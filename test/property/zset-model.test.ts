// Sorted sets against an in-memory model: fast-check generates command sequences (binary
// members, half-integer scores, sets past the listpack limits so skiplist paths run too), runs
// them on a real pikiraft-server process and checks every reply against a Map of Maps, ordered
// as Redis orders a sorted set (score, then member bytes). After each sequence the whole keyspace
// is compared: ZCARD, ZRANGE WITHSCORES both ways, a full ZSCAN, ranks, and that no empty sorted
// set exists (DBSIZE counts only non-empty ones).
import { expect } from 'vitest';
import fc from 'fast-check';
import { bulkOf, describeModel, intOf, itemsOf } from '../helpers/model-check.js';
import type { RespClient, RespValue } from '../helpers/resp-client.js';

type ZModel = Map<string, number>;
type Model = Map<string, ZModel>;

const KEYS = ['k0', 'k1', 'k2'];
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const memberArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', 'member', '') },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 6 }).map(latin1) },
  // Longer than zset-max-listpack-value (64): Redis would switch to a skiplist.
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 65, maxLength: 80 }).map(latin1) },
);
const scoreArb = fc.integer({ min: -40, max: 40 }).map((n) => n / 2);
const keyArb = fc.constantFrom(...KEYS);

type Cmd =
  | { op: 'zadd'; key: string; pairs: [number, string][] }
  | { op: 'zaddMany'; key: string; n: number }
  | { op: 'zincrby'; key: string; by: number; member: string }
  | { op: 'zrem'; key: string; members: string[] }
  | { op: 'zscore'; key: string; member: string }
  | { op: 'zrank'; key: string; member: string; rev: boolean }
  | { op: 'zrange'; key: string; start: number; stop: number; rev: boolean }
  | { op: 'zrangebyscore'; key: string; min: number; max: number; minex: boolean; maxex: boolean; rev: boolean }
  | { op: 'zcount'; key: string; min: number; max: number }
  | { op: 'zpop'; key: string; max: boolean; count: number }
  | { op: 'zremrangebyscore'; key: string; min: number; max: number }
  | { op: 'zremrangebyrank'; key: string; start: number; stop: number }
  | { op: 'zunionstore'; dst: string; keys: string[] }
  | { op: 'zinterstore'; dst: string; keys: string[] }
  | { op: 'zscan'; key: string; count: number }
  | { op: 'del'; key: string }
  | { op: 'rename'; from: string; to: string };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('zadd' as const), key: keyArb, pairs: fc.array(fc.tuple(scoreArb, memberArb), { minLength: 1, maxLength: 4 }) }) },
  // Past zset-max-listpack-entries (128).
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zaddMany' as const), key: keyArb, n: fc.integer({ min: 100, max: 250 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('zincrby' as const), key: keyArb, by: scoreArb, member: memberArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('zrem' as const), key: keyArb, members: fc.array(memberArb, { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('zscore' as const), key: keyArb, member: memberArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('zrank' as const), key: keyArb, member: memberArb, rev: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('zrange' as const), key: keyArb, start: fc.integer({ min: -300, max: 300 }), stop: fc.integer({ min: -300, max: 300 }), rev: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('zrangebyscore' as const), key: keyArb, min: scoreArb, max: scoreArb, minex: fc.boolean(), maxex: fc.boolean(), rev: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zcount' as const), key: keyArb, min: scoreArb, max: scoreArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('zpop' as const), key: keyArb, max: fc.boolean(), count: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zremrangebyscore' as const), key: keyArb, min: scoreArb, max: scoreArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zremrangebyrank' as const), key: keyArb, start: fc.integer({ min: -20, max: 20 }), stop: fc.integer({ min: -20, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zunionstore' as const), dst: keyArb, keys: fc.array(keyArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('zinterstore' as const), dst: keyArb, keys: fc.array(keyArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('zscan' as const), key: keyArb, count: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('del' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), from: keyArb, to: keyArb }) },
);

/** Half-integer scores print the same with %.17g and String(). */
const fmt = (n: number): string => String(n);

/** (score, member) order. */
function ordered(z: ZModel | undefined): [string, number][] {
  return [...(z ?? new Map<string, number>())].sort(([ma, sa], [mb, sb]) => (sa !== sb ? sa - sb : ma < mb ? -1 : ma > mb ? 1 : 0));
}
const flat = (es: [string, number][]): string[] => es.flatMap(([m, s]) => [m, fmt(s)]);

/** Redis's rank sanitizing. */
function rankSlice<T>(xs: T[], start: number, stop: number): T[] {
  const n = xs.length;
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return [];
  if (stop >= n) stop = n - 1;
  return xs.slice(start, stop + 1);
}

async function scanAll(c: RespClient, key: string, count: number): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = '0';
  for (let calls = 0; calls < 10_000; calls++) {
    const r = (await c.call('ZSCAN', key, cursor, 'COUNT', String(count))).value;
    if (r.t !== 'array') throw new Error(`ZSCAN replied ${JSON.stringify(r)}`);
    const [next, page] = r.items as [RespValue, RespValue];
    const items = itemsOf(page);
    for (let i = 0; i < items.length; i += 2) seen.add(JSON.stringify([items[i], items[i + 1]]));
    cursor = bulkOf(next)!;
    if (cursor === '0') return [...seen].sort();
  }
  throw new Error('ZSCAN did not finish');
}
const scanText = (z: ZModel | undefined): string[] => [...(z ?? new Map<string, number>())].map(([m, s]) => JSON.stringify([m, fmt(s)])).sort();

async function step(c: RespClient, model: Model, cmd: Cmd): Promise<void> {
  const zget = (key: string): ZModel | undefined => model.get(key);
  const zputAll = (key: string, z: ZModel): void => {
    if (z.size === 0) model.delete(key);
    else model.set(key, z);
  };
  switch (cmd.op) {
    case 'zadd': {
      const r = await c.call('ZADD', cmd.key, ...cmd.pairs.flatMap(([s, m]) => [fmt(s), m]));
      const z = zget(cmd.key) ?? new Map<string, number>();
      let added = 0;
      for (const [s, m] of cmd.pairs) {
        if (!z.has(m)) added++;
        z.set(m, s);
      }
      zputAll(cmd.key, z);
      expect(intOf(r.value)).toBe(added);
      return;
    }
    case 'zaddMany': {
      const args: string[] = [];
      for (let i = 0; i < cmd.n; i++) args.push(String(i % 17), `many:${i}`);
      const r = await c.call('ZADD', cmd.key, ...args);
      const z = zget(cmd.key) ?? new Map<string, number>();
      let added = 0;
      for (let i = 0; i < cmd.n; i++) {
        if (!z.has(`many:${i}`)) added++;
        z.set(`many:${i}`, i % 17);
      }
      zputAll(cmd.key, z);
      expect(intOf(r.value)).toBe(added);
      return;
    }
    case 'zincrby': {
      const r = (await c.call('ZINCRBY', cmd.key, fmt(cmd.by), cmd.member)).value;
      const z = zget(cmd.key) ?? new Map<string, number>();
      const next = (z.get(cmd.member) ?? 0) + cmd.by;
      z.set(cmd.member, next);
      zputAll(cmd.key, z);
      expect(bulkOf(r)).toBe(fmt(next));
      return;
    }
    case 'zrem': {
      const r = await c.call('ZREM', cmd.key, ...cmd.members);
      const z = zget(cmd.key);
      let n = 0;
      for (const m of cmd.members) if (z?.delete(m)) n++;
      if (z) zputAll(cmd.key, z);
      expect(intOf(r.value)).toBe(n);
      return;
    }
    case 'zscore': {
      const s = zget(cmd.key)?.get(cmd.member);
      expect(bulkOf((await c.call('ZSCORE', cmd.key, cmd.member)).value)).toBe(s === undefined ? null : fmt(s));
      return;
    }
    case 'zrank': {
      const r = (await c.call(cmd.rev ? 'ZREVRANK' : 'ZRANK', cmd.key, cmd.member)).value;
      const es = ordered(zget(cmd.key)).map(([m]) => m);
      if (cmd.rev) es.reverse();
      const i = es.indexOf(cmd.member);
      if (i < 0) expect(r.t).toBe('null');
      else expect(intOf(r)).toBe(i);
      return;
    }
    case 'zrange': {
      const r = (await c.call('ZRANGE', cmd.key, String(cmd.start), String(cmd.stop), ...(cmd.rev ? ['REV'] : []), 'WITHSCORES')).value;
      const es = ordered(zget(cmd.key));
      if (cmd.rev) es.reverse();
      expect(itemsOf(r)).toEqual(flat(rankSlice(es, cmd.start, cmd.stop)));
      return;
    }
    case 'zrangebyscore': {
      const lo = `${cmd.minex ? '(' : ''}${fmt(cmd.min)}`;
      const hi = `${cmd.maxex ? '(' : ''}${fmt(cmd.max)}`;
      const r = (await c.call(cmd.rev ? 'ZREVRANGEBYSCORE' : 'ZRANGEBYSCORE', cmd.key, ...(cmd.rev ? [hi, lo] : [lo, hi]), 'WITHSCORES')).value;
      const es = ordered(zget(cmd.key)).filter(([, s]) => (cmd.minex ? s > cmd.min : s >= cmd.min) && (cmd.maxex ? s < cmd.max : s <= cmd.max));
      if (cmd.rev) es.reverse();
      expect(itemsOf(r)).toEqual(flat(es));
      return;
    }
    case 'zcount': {
      const r = (await c.call('ZCOUNT', cmd.key, fmt(cmd.min), fmt(cmd.max))).value;
      expect(intOf(r)).toBe(ordered(zget(cmd.key)).filter(([, s]) => s >= cmd.min && s <= cmd.max).length);
      return;
    }
    case 'zpop': {
      const r = (await c.call(cmd.max ? 'ZPOPMAX' : 'ZPOPMIN', cmd.key, String(cmd.count))).value;
      const es = ordered(zget(cmd.key));
      if (cmd.max) es.reverse();
      const popped = es.slice(0, cmd.count);
      const z = zget(cmd.key);
      if (z) {
        for (const [m] of popped) z.delete(m);
        zputAll(cmd.key, z);
      }
      expect(itemsOf(r)).toEqual(flat(popped));
      return;
    }
    case 'zremrangebyscore': {
      const r = (await c.call('ZREMRANGEBYSCORE', cmd.key, fmt(cmd.min), fmt(cmd.max))).value;
      const z = zget(cmd.key);
      let n = 0;
      if (z) {
        for (const [m, s] of [...z]) if (s >= cmd.min && s <= cmd.max && z.delete(m)) n++;
        zputAll(cmd.key, z);
      }
      expect(intOf(r)).toBe(n);
      return;
    }
    case 'zremrangebyrank': {
      const r = (await c.call('ZREMRANGEBYRANK', cmd.key, String(cmd.start), String(cmd.stop))).value;
      const z = zget(cmd.key);
      const doomed = rankSlice(ordered(z), cmd.start, cmd.stop);
      if (z) {
        for (const [m] of doomed) z.delete(m);
        zputAll(cmd.key, z);
      }
      expect(intOf(r)).toBe(doomed.length);
      return;
    }
    case 'zunionstore':
    case 'zinterstore': {
      const r = (await c.call(cmd.op.toUpperCase(), cmd.dst, String(cmd.keys.length), ...cmd.keys)).value;
      const srcs = cmd.keys.map((k) => zget(k) ?? new Map<string, number>());
      const out = new Map<string, number>();
      if (cmd.op === 'zunionstore') {
        for (const z of srcs) for (const [m, s] of z) out.set(m, (out.get(m) ?? 0) + s);
      } else {
        for (const [m] of srcs[0]!) if (srcs.every((z) => z.has(m))) out.set(m, srcs.reduce((acc, z) => acc + z.get(m)!, 0));
      }
      zputAll(cmd.dst, out);
      expect(intOf(r)).toBe(out.size);
      return;
    }
    case 'zscan':
      expect(await scanAll(c, cmd.key, cmd.count)).toEqual(scanText(zget(cmd.key)));
      return;
    case 'del': {
      const r = await c.call('DEL', cmd.key);
      expect(intOf(r.value)).toBe(model.delete(cmd.key) ? 1 : 0);
      return;
    }
    case 'rename': {
      const r = (await c.call('RENAME', cmd.from, cmd.to)).value;
      const z = zget(cmd.from);
      if (z === undefined) expect(r).toEqual({ t: 'error', s: 'ERR no such key' });
      else {
        expect(r).toEqual({ t: 'simple', s: 'OK' });
        model.delete(cmd.from);
        model.set(cmd.to, z);
      }
      return;
    }
  }
}

/** The server's whole state equals the model. */
async function checkAll(c: RespClient, model: Model): Promise<void> {
  expect(intOf((await c.call('DBSIZE')).value)).toBe(model.size);
  for (const key of KEYS) {
    const z = model.get(key);
    const es = ordered(z);
    expect(intOf((await c.call('EXISTS', key)).value)).toBe(z ? 1 : 0);
    expect(intOf((await c.call('ZCARD', key)).value)).toBe(z?.size ?? 0);
    expect(itemsOf((await c.call('ZRANGE', key, '0', '-1', 'WITHSCORES')).value)).toEqual(flat(es));
    expect(itemsOf((await c.call('ZRANGE', key, '+inf', '-inf', 'BYSCORE', 'REV', 'WITHSCORES')).value)).toEqual(flat([...es].reverse()));
    expect(await scanAll(c, key, 7)).toEqual(scanText(z));
    if (es.length > 0) {
      const [m] = es[Math.floor(es.length / 2)]!;
      expect(intOf((await c.call('ZRANK', key, m)).value)).toBe(Math.floor(es.length / 2));
    }
  }
}

describeModel('sorted sets against an in-memory model (fast-check, real server)', { cmdArb, newModel: (): Model => new Map(), step, checkAll, seed: 20261125 });
