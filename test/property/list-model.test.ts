// Lists against an in-memory model: fast-check generates command sequences (binary elements,
// lists of hundreds of elements grown at both ends, inserts and removals in the middle, so the
// position bookkeeping of the encoding — left/right indices in meta, one record per position —
// is exercised on both sides), runs them on a real pikiraft-server process and checks every
// reply against a Map of arrays. After each sequence the whole keyspace is compared: every
// list's LLEN, LRANGE 0 -1, LINDEX at both ends, and that no empty list exists (DBSIZE).
import { expect } from 'vitest';
import fc from 'fast-check';
import { bulkOf, describeModel, intOf, itemsOf } from '../helpers/model-check.js';
import type { RespClient } from '../helpers/resp-client.js';

type Model = Map<string, string[]>;
type End = 'LEFT' | 'RIGHT';

const KEYS = ['k0', 'k1', 'k2'];
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const elementArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', '') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }).map(latin1) },
);
const keyArb = fc.constantFrom(...KEYS);
const endArb = fc.constantFrom<End>('LEFT', 'RIGHT');
const indexArb = fc.integer({ min: -350, max: 350 });

type Cmd =
  | { op: 'push'; key: string; end: End; onlyIfExists: boolean; elements: string[] }
  | { op: 'pushMany'; key: string; end: End; n: number }
  | { op: 'pop'; key: string; end: End; count: number | null }
  | { op: 'lindex'; key: string; index: number }
  | { op: 'lset'; key: string; index: number; element: string }
  | { op: 'lrange'; key: string; start: number; stop: number }
  | { op: 'ltrim'; key: string; start: number; stop: number }
  | { op: 'lrem'; key: string; count: number; element: string }
  | { op: 'linsert'; key: string; before: boolean; pivot: string; element: string }
  | { op: 'lpos'; key: string; element: string; rank: number; count: number | null; maxlen: number }
  | { op: 'lmove'; from: string; to: string; whereFrom: End; whereTo: End }
  | { op: 'lmpop'; keys: string[]; end: End; count: number }
  | { op: 'del'; key: string }
  | { op: 'rename'; from: string; to: string };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('push' as const), key: keyArb, end: endArb, onlyIfExists: fc.boolean(), elements: fc.array(elementArb, { minLength: 1, maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pushMany' as const), key: keyArb, end: endArb, n: fc.integer({ min: 50, max: 300 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pop' as const), key: keyArb, end: endArb, count: fc.option(fc.integer({ min: 0, max: 40 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('lindex' as const), key: keyArb, index: indexArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('lset' as const), key: keyArb, index: indexArb, element: elementArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('lrange' as const), key: keyArb, start: indexArb, stop: indexArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('ltrim' as const), key: keyArb, start: indexArb, stop: indexArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('lrem' as const), key: keyArb, count: fc.integer({ min: -4, max: 4 }), element: elementArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('linsert' as const), key: keyArb, before: fc.boolean(), pivot: elementArb, element: elementArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('lpos' as const),
      key: keyArb,
      element: elementArb,
      rank: fc.integer({ min: -4, max: 4 }).filter((r) => r !== 0),
      count: fc.option(fc.integer({ min: 0, max: 4 })),
      maxlen: fc.integer({ min: 0, max: 20 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('lmove' as const), from: keyArb, to: keyArb, whereFrom: endArb, whereTo: endArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('lmpop' as const), keys: fc.array(keyArb, { minLength: 1, maxLength: 3 }), end: endArb, count: fc.integer({ min: 1, max: 10 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('del' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), from: keyArb, to: keyArb }) },
);

/** LRANGE/LTRIM's normalization: [start, stop) as array slice bounds. */
function slice(len: number, start: number, stop: number): [number, number] {
  let s = start < 0 ? len + start : start;
  let e = stop < 0 ? len + stop : stop;
  if (s < 0) s = 0;
  if (s > e || s >= len) return [0, 0];
  if (e >= len) e = len - 1;
  return [s, e + 1];
}

const indexIn = (len: number, i: number): number | null => {
  const j = i < 0 ? len + i : i;
  return j < 0 || j >= len ? null : j;
};

/** Removes `n` elements from one end of `l`, in pop order. */
function popModel(l: string[], end: End, n: number): string[] {
  const k = Math.min(n, l.length);
  return end === 'LEFT' ? l.splice(0, k) : l.splice(l.length - k, k).reverse();
}

async function step(c: RespClient, model: Model, cmd: Cmd): Promise<void> {
  const list = (key: string): string[] | undefined => model.get(key);
  const dropIfEmpty = (key: string): void => {
    if (model.get(key)?.length === 0) model.delete(key);
  };
  switch (cmd.op) {
    case 'push': {
      const name = `${cmd.end === 'LEFT' ? 'L' : 'R'}PUSH${cmd.onlyIfExists ? 'X' : ''}`;
      const r = await c.call(name, cmd.key, ...cmd.elements);
      const l = list(cmd.key);
      if (!l && cmd.onlyIfExists) return void expect(intOf(r.value)).toBe(0);
      const next = l ?? [];
      for (const e of cmd.elements) cmd.end === 'LEFT' ? next.unshift(e) : next.push(e);
      model.set(cmd.key, next);
      expect(intOf(r.value)).toBe(next.length);
      return;
    }
    case 'pushMany': {
      const elements = Array.from({ length: cmd.n }, (_, i) => `m${i % 5}`);
      const r = await c.call(cmd.end === 'LEFT' ? 'LPUSH' : 'RPUSH', cmd.key, ...elements);
      const next = list(cmd.key) ?? [];
      for (const e of elements) cmd.end === 'LEFT' ? next.unshift(e) : next.push(e);
      model.set(cmd.key, next);
      expect(intOf(r.value)).toBe(next.length);
      return;
    }
    case 'pop': {
      const name = cmd.end === 'LEFT' ? 'LPOP' : 'RPOP';
      const r = (await c.call(name, cmd.key, ...(cmd.count === null ? [] : [String(cmd.count)]))).value;
      const l = list(cmd.key);
      if (!l) return void expect(r.t).toBe('null');
      if (cmd.count === null) expect(bulkOf(r)).toBe(popModel(l, cmd.end, 1)[0]);
      else expect(itemsOf(r)).toEqual(popModel(l, cmd.end, cmd.count));
      dropIfEmpty(cmd.key);
      return;
    }
    case 'lindex': {
      const l = list(cmd.key) ?? [];
      const i = indexIn(l.length, cmd.index);
      expect(bulkOf((await c.call('LINDEX', cmd.key, String(cmd.index))).value)).toBe(i === null ? null : l[i]);
      return;
    }
    case 'lset': {
      const r = (await c.call('LSET', cmd.key, String(cmd.index), cmd.element)).value;
      const l = list(cmd.key);
      if (!l) return void expect(r).toEqual({ t: 'error', s: 'ERR no such key' });
      const i = indexIn(l.length, cmd.index);
      if (i === null) return void expect(r).toEqual({ t: 'error', s: 'ERR index out of range' });
      l[i] = cmd.element;
      expect(r).toEqual({ t: 'simple', s: 'OK' });
      return;
    }
    case 'lrange': {
      const l = list(cmd.key) ?? [];
      const [s, e] = slice(l.length, cmd.start, cmd.stop);
      expect(itemsOf((await c.call('LRANGE', cmd.key, String(cmd.start), String(cmd.stop))).value)).toEqual(l.slice(s, e));
      return;
    }
    case 'ltrim': {
      const r = (await c.call('LTRIM', cmd.key, String(cmd.start), String(cmd.stop))).value;
      expect(r).toEqual({ t: 'simple', s: 'OK' });
      const l = list(cmd.key);
      if (!l) return;
      const [s, e] = slice(l.length, cmd.start, cmd.stop);
      model.set(cmd.key, l.slice(s, e));
      dropIfEmpty(cmd.key);
      return;
    }
    case 'lrem': {
      const r = await c.call('LREM', cmd.key, String(cmd.count), cmd.element);
      const l = list(cmd.key) ?? [];
      const order = l.map((_, i) => i);
      if (cmd.count < 0) order.reverse();
      const limit = cmd.count === 0 ? Infinity : Math.abs(cmd.count);
      const gone = new Set(order.filter((i) => l[i] === cmd.element).slice(0, limit));
      if (model.has(cmd.key)) model.set(cmd.key, l.filter((_, i) => !gone.has(i)));
      dropIfEmpty(cmd.key);
      expect(intOf(r.value)).toBe(gone.size);
      return;
    }
    case 'linsert': {
      const r = await c.call('LINSERT', cmd.key, cmd.before ? 'BEFORE' : 'AFTER', cmd.pivot, cmd.element);
      const l = list(cmd.key);
      if (!l) return void expect(intOf(r.value)).toBe(0);
      const at = l.indexOf(cmd.pivot);
      if (at === -1) return void expect(intOf(r.value)).toBe(-1);
      l.splice(cmd.before ? at : at + 1, 0, cmd.element);
      expect(intOf(r.value)).toBe(l.length);
      return;
    }
    case 'lpos': {
      const args = ['LPOS', cmd.key, cmd.element, 'RANK', String(cmd.rank), 'MAXLEN', String(cmd.maxlen), ...(cmd.count === null ? [] : ['COUNT', String(cmd.count)])];
      const r = (await c.call(...args)).value;
      const l = list(cmd.key) ?? [];
      let order = l.map((_, i) => i);
      if (cmd.rank < 0) order.reverse();
      if (cmd.maxlen > 0) order = order.slice(0, cmd.maxlen);
      const hits = order.filter((i) => l[i] === cmd.element).slice(Math.abs(cmd.rank) - 1);
      if (cmd.count === null) expect(r).toEqual(hits.length > 0 ? { t: 'int', n: BigInt(hits[0]!) } : { t: 'null' });
      else expect(r).toEqual({ t: 'array', items: (cmd.count === 0 ? hits : hits.slice(0, cmd.count)).map((i) => ({ t: 'int', n: BigInt(i) })) });
      return;
    }
    case 'lmove': {
      const r = (await c.call('LMOVE', cmd.from, cmd.to, cmd.whereFrom, cmd.whereTo)).value;
      const src = list(cmd.from);
      if (!src) return void expect(r.t).toBe('null');
      const [v] = popModel(src, cmd.whereFrom, 1);
      const dst = list(cmd.to) ?? [];
      cmd.whereTo === 'LEFT' ? dst.unshift(v!) : dst.push(v!);
      model.set(cmd.to, dst);
      dropIfEmpty(cmd.from);
      expect(bulkOf(r)).toBe(v);
      return;
    }
    case 'lmpop': {
      const r = (await c.call('LMPOP', String(cmd.keys.length), ...cmd.keys, cmd.end, 'COUNT', String(cmd.count))).value;
      const key = cmd.keys.find((k) => model.has(k));
      if (key === undefined) return void expect(r.t).toBe('null');
      const popped = popModel(model.get(key)!, cmd.end, cmd.count);
      dropIfEmpty(key);
      expect(r.t).toBe('array');
      if (r.t !== 'array') return;
      expect(bulkOf(r.items[0]!)).toBe(key);
      expect(itemsOf(r.items[1]!)).toEqual(popped);
      return;
    }
    case 'del':
      expect(intOf((await c.call('DEL', cmd.key)).value)).toBe(model.delete(cmd.key) ? 1 : 0);
      return;
    case 'rename': {
      const r = (await c.call('RENAME', cmd.from, cmd.to)).value;
      const l = list(cmd.from);
      if (l === undefined) return void expect(r).toEqual({ t: 'error', s: 'ERR no such key' });
      expect(r).toEqual({ t: 'simple', s: 'OK' });
      model.delete(cmd.from);
      model.set(cmd.to, l);
      return;
    }
  }
}

/** The server's whole state equals the model: no empty list, every list's contents and length. */
async function checkAll(c: RespClient, model: Model): Promise<void> {
  expect(intOf((await c.call('DBSIZE')).value)).toBe(model.size);
  for (const key of KEYS) {
    const l = model.get(key) ?? [];
    expect(intOf((await c.call('EXISTS', key)).value)).toBe(model.has(key) ? 1 : 0);
    expect(intOf((await c.call('LLEN', key)).value)).toBe(l.length);
    expect(itemsOf((await c.call('LRANGE', key, '0', '-1')).value)).toEqual(l);
    expect(bulkOf((await c.call('LINDEX', key, '0')).value)).toBe(l[0] ?? null);
    expect(bulkOf((await c.call('LINDEX', key, '-1')).value)).toBe(l[l.length - 1] ?? null);
  }
}

describeModel('lists against an in-memory model (fast-check, real server)', { cmdArb, newModel: (): Model => new Map(), step, checkAll, seed: 20260402 });
