// Streams against an in-memory model: fast-check generates sequences of XADD (explicit and
// `ms-*` IDs, exact MAXLEN), XDEL, XTRIM, XRANGE/XREVRANGE with COUNT, XLEN and consumer-group
// commands (XGROUP CREATE/DESTROY, XREADGROUP new and history, XACK, XCLAIM, XPENDING), with
// binary fields and values, runs them on a real pikiraft-server and checks every reply. After
// each sequence every stream's entries, length, groups and PELs are compared with the model.
import { expect } from 'vitest';
import fc from 'fast-check';
import { describeModel, intOf } from '../helpers/model-check.js';
import type { RespClient, RespValue } from '../helpers/resp-client.js';

interface Entry {
  id: string;
  key: bigint;
  fields: string[];
}
interface Group {
  lastId: bigint;
  /** id -> [consumer, deliveries] */
  pel: Map<string, [string, number]>;
  consumers: Set<string>;
}
interface Stream {
  entries: Entry[];
  lastId: bigint;
  groups: Map<string, Group>;
}
type Model = Map<string, Stream>;

const KEYS = ['k0', 'k1'];
const GROUPS = ['ga', 'gb'];
const CONSUMERS = ['c1', 'c2'];
const SEQ_BITS = 64n;
const idKey = (ms: number, seq: number): bigint => (BigInt(ms) << SEQ_BITS) | BigInt(seq);
const idText = (k: bigint): string => `${k >> SEQ_BITS}-${k & ((1n << SEQ_BITS) - 1n)}`;
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

const keyArb = fc.constantFrom(...KEYS);
const groupArb = fc.constantFrom(...GROUPS);
const consumerArb = fc.constantFrom(...CONSUMERS);
const idArb = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3 }));
const textArb = fc.oneof(fc.constantFrom('f', 'v', '', '42'), fc.uint8Array({ maxLength: 6 }).map(latin1));

type Cmd =
  | { op: 'xadd'; key: string; id: [number, number]; star: boolean; fields: string[]; maxlen: number | null }
  | { op: 'xdel'; key: string; ids: [number, number][] }
  | { op: 'xtrim'; key: string; maxlen: number | null; minid: [number, number] }
  | { op: 'xrange'; key: string; from: [number, number]; to: [number, number]; count: number | null; rev: boolean }
  | { op: 'xlen'; key: string }
  | { op: 'create'; key: string; group: string; fromStart: boolean }
  | { op: 'destroy'; key: string; group: string }
  | { op: 'readNew'; key: string; group: string; consumer: string; count: number }
  | { op: 'readHistory'; key: string; group: string; consumer: string }
  | { op: 'ack'; key: string; group: string; ids: [number, number][] }
  | { op: 'claim'; key: string; group: string; consumer: string; ids: [number, number][] }
  | { op: 'del'; key: string };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('xadd' as const),
      key: keyArb,
      id: idArb,
      star: fc.boolean(),
      fields: fc.array(textArb, { minLength: 1, maxLength: 2 }).map((fs) => fs.flatMap((f) => [f, `${f}!`])),
      maxlen: fc.option(fc.integer({ min: 0, max: 6 }), { freq: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('xdel' as const), key: keyArb, ids: fc.array(idArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('xtrim' as const), key: keyArb, maxlen: fc.option(fc.integer({ min: 0, max: 6 })), minid: idArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('xrange' as const), key: keyArb, from: idArb, to: idArb, count: fc.option(fc.integer({ min: 1, max: 5 })), rev: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('xlen' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('create' as const), key: keyArb, group: groupArb, fromStart: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('destroy' as const), key: keyArb, group: groupArb }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('readNew' as const), key: keyArb, group: groupArb, consumer: consumerArb, count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('readHistory' as const), key: keyArb, group: groupArb, consumer: consumerArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('ack' as const), key: keyArb, group: groupArb, ids: fc.array(idArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('claim' as const), key: keyArb, group: groupArb, consumer: consumerArb, ids: fc.array(idArb, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('del' as const), key: keyArb }) },
);

const bulk = (s: string): RespValue => ({ t: 'bulk', s });
const arr = (items: RespValue[]): RespValue => ({ t: 'array', items });
const entryValue = (e: Entry): RespValue => arr([bulk(e.id), arr(e.fields.map(bulk))]);
const NIL_ARRAY: RespValue = { t: 'null' };
const int = (n: number): RespValue => ({ t: 'int', n: BigInt(n) });

function trimTo(s: Stream, keep: (e: Entry, index: number) => boolean): number {
  const before = s.entries.length;
  s.entries = s.entries.filter(keep);
  return before - s.entries.length;
}

async function step(c: RespClient, model: Model, cmd: Cmd): Promise<void> {
  const s = model.get(cmd.key);
  const groupOf = (g: string): Group | undefined => s?.groups.get(g);
  switch (cmd.op) {
    case 'xadd': {
      const [ms, seq] = cmd.id;
      const argv = ['XADD', cmd.key, ...(cmd.maxlen === null ? [] : ['MAXLEN', String(cmd.maxlen)]), cmd.star ? `${ms}-*` : `${ms}-${seq}`, ...cmd.fields];
      const r = (await c.call(...argv)).value;
      if (!cmd.star && ms === 0 && seq === 0) {
        expect(r).toEqual({ t: 'error', s: 'ERR The ID specified in XADD must be greater than 0-0' });
        return;
      }
      const last = s?.lastId ?? 0n;
      const key = cmd.star ? (BigInt(ms) === last >> SEQ_BITS ? last + 1n : idKey(ms, 0)) : idKey(ms, seq);
      if (key <= last) {
        expect(r).toEqual({ t: 'error', s: 'ERR The ID specified in XADD is equal or smaller than the target stream top item' });
        return;
      }
      const stream: Stream = s ?? { entries: [], lastId: 0n, groups: new Map() };
      stream.entries.push({ id: idText(key), key, fields: cmd.fields });
      stream.lastId = key;
      if (cmd.maxlen !== null) trimTo(stream, (_, i) => i >= stream.entries.length - cmd.maxlen!);
      model.set(cmd.key, stream);
      expect(r).toEqual(bulk(idText(key)));
      return;
    }
    case 'xdel': {
      const r = (await c.call('XDEL', cmd.key, ...cmd.ids.map(([m, q]) => `${m}-${q}`))).value;
      const doomed = new Set(cmd.ids.map(([m, q]) => idKey(m, q)));
      expect(r).toEqual(int(s ? trimTo(s, (e) => !doomed.has(e.key)) : 0));
      return;
    }
    case 'xtrim': {
      const argv = cmd.maxlen === null ? ['MINID', `${cmd.minid[0]}-${cmd.minid[1]}`] : ['MAXLEN', String(cmd.maxlen)];
      const r = (await c.call('XTRIM', cmd.key, ...argv)).value;
      let n = 0;
      if (s) {
        const total = s.entries.length;
        const min = idKey(...cmd.minid);
        n = cmd.maxlen === null ? trimTo(s, (e) => e.key >= min) : trimTo(s, (_, i) => i >= total - cmd.maxlen!);
      }
      expect(r).toEqual(int(n));
      return;
    }
    case 'xrange': {
      const [from, to] = [`${cmd.from[0]}-${cmd.from[1]}`, `${cmd.to[0]}-${cmd.to[1]}`];
      const count = cmd.count === null ? [] : ['COUNT', String(cmd.count)];
      const r = (await c.call(...(cmd.rev ? ['XREVRANGE', cmd.key, to, from] : ['XRANGE', cmd.key, from, to]), ...count)).value;
      const [lo, hi] = [idKey(...cmd.from), idKey(...cmd.to)];
      let hits = (s?.entries ?? []).filter((e) => e.key >= lo && e.key <= hi);
      if (cmd.rev) hits = hits.reverse();
      if (cmd.count !== null) hits = hits.slice(0, cmd.count);
      expect(r).toEqual(arr(hits.map(entryValue)));
      return;
    }
    case 'xlen':
      expect(intOf((await c.call('XLEN', cmd.key)).value)).toBe(s?.entries.length ?? 0);
      return;
    case 'create': {
      const r = (await c.call('XGROUP', 'CREATE', cmd.key, cmd.group, cmd.fromStart ? '0' : '$', 'MKSTREAM')).value;
      const stream: Stream = s ?? { entries: [], lastId: 0n, groups: new Map() };
      model.set(cmd.key, stream);
      if (stream.groups.has(cmd.group)) {
        expect(r).toEqual({ t: 'error', s: 'BUSYGROUP Consumer Group name already exists' });
        return;
      }
      stream.groups.set(cmd.group, { lastId: cmd.fromStart ? 0n : stream.lastId, pel: new Map(), consumers: new Set() });
      expect(r).toEqual({ t: 'simple', s: 'OK' });
      return;
    }
    case 'destroy': {
      const r = (await c.call('XGROUP', 'DESTROY', cmd.key, cmd.group)).value;
      if (!s) expect(r.t).toBe('error');
      else expect(r).toEqual(int(s.groups.delete(cmd.group) ? 1 : 0));
      return;
    }
    case 'readNew':
    case 'readHistory': {
      const argv = ['XREADGROUP', 'GROUP', cmd.group, cmd.consumer, ...(cmd.op === 'readNew' ? ['COUNT', String(cmd.count)] : []), 'STREAMS', cmd.key, cmd.op === 'readNew' ? '>' : '0'];
      const r = (await c.call(...argv)).value;
      const g = groupOf(cmd.group);
      if (!s || !g) {
        expect(r).toEqual({ t: 'error', s: `NOGROUP No such key '${cmd.key}' or consumer group '${cmd.group}' in XREADGROUP with GROUP option` });
        return;
      }
      if (cmd.op === 'readNew') {
        const fresh = s.entries.filter((e) => e.key > g.lastId).slice(0, cmd.count);
        if (fresh.length === 0) {
          expect(r).toEqual(NIL_ARRAY);
          return;
        }
        g.consumers.add(cmd.consumer);
        for (const e of fresh) g.pel.set(e.id, [cmd.consumer, 1]);
        g.lastId = fresh[fresh.length - 1]!.key;
        expect(r).toEqual(arr([arr([bulk(cmd.key), arr(fresh.map(entryValue))])]));
        return;
      }
      g.consumers.add(cmd.consumer);
      const mine = [...g.pel.entries()].filter(([, [owner]]) => owner === cmd.consumer).sort((a, b) => cmpText(a[0], b[0]));
      const items = mine.map(([id, nack]) => {
        const e = s.entries.find((x) => x.id === id);
        if (!e) return arr([bulk(id), NIL_ARRAY]);
        nack[1]++;
        return entryValue(e);
      });
      expect(r).toEqual(arr([arr([bulk(cmd.key), arr(items)])]));
      return;
    }
    case 'ack': {
      const r = (await c.call('XACK', cmd.key, cmd.group, ...cmd.ids.map(([m, q]) => `${m}-${q}`))).value;
      const g = groupOf(cmd.group);
      let n = 0;
      for (const [m, q] of cmd.ids) if (g?.pel.delete(`${m}-${q}`)) n++;
      expect(r).toEqual(int(n));
      return;
    }
    case 'claim': {
      const ids = cmd.ids.map(([m, q]) => `${m}-${q}`);
      const r = (await c.call('XCLAIM', cmd.key, cmd.group, cmd.consumer, '0', ...ids, 'JUSTID')).value;
      const g = groupOf(cmd.group);
      if (!s || !g) {
        expect(r).toEqual({ t: 'error', s: `NOGROUP No such key '${cmd.key}' or consumer group '${cmd.group}'` });
        return;
      }
      const out: RespValue[] = [];
      for (const id of ids) {
        const nack = g.pel.get(id);
        if (!nack) continue;
        if (!s.entries.some((e) => e.id === id)) {
          g.pel.delete(id);
          continue;
        }
        g.consumers.add(cmd.consumer);
        g.pel.set(id, [cmd.consumer, nack[1]]);
        out.push(bulk(id));
      }
      expect(r).toEqual(arr(out));
      return;
    }
    case 'del':
      expect(intOf((await c.call('DEL', cmd.key)).value)).toBe(model.delete(cmd.key) ? 1 : 0);
      return;
  }
}

function cmpText(a: string, b: string): number {
  const [am, aq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bq] = b.split('-').map(BigInt) as [bigint, bigint];
  return am !== bm ? (am < bm ? -1 : 1) : aq < bq ? -1 : aq > bq ? 1 : 0;
}

/** Every stream's entries, length, groups (consumers, pending counts) and PEL equal the model. */
async function checkAll(c: RespClient, model: Model): Promise<void> {
  expect(intOf((await c.call('DBSIZE')).value)).toBe(model.size);
  for (const key of KEYS) {
    const s = model.get(key);
    expect(intOf((await c.call('XLEN', key)).value)).toBe(s?.entries.length ?? 0);
    expect((await c.call('XRANGE', key, '-', '+')).value).toEqual(arr((s?.entries ?? []).map(entryValue)));
    if (!s) continue;
    const groups = (await c.call('XINFO', 'GROUPS', key)).value;
    const expected = [...s.groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, g]) => arr([bulk('name'), bulk(name), bulk('consumers'), int(g.consumers.size), bulk('pending'), int(g.pel.size), bulk('last-delivered-id'), bulk(idText(g.lastId))]));
    const shown = groups.t === 'array' ? arr(groups.items.map((gi) => (gi.t === 'array' ? arr(gi.items.slice(0, 8)) : gi))) : groups;
    expect(shown).toEqual(arr(expected));
    for (const [name, g] of s.groups) {
      const pending = (await c.call('XPENDING', key, name, '-', '+', '1000')).value;
      const rows = [...g.pel.entries()].sort((a, b) => cmpText(a[0], b[0]));
      const got = pending.t === 'array' ? arr(pending.items.map((p) => (p.t === 'array' ? arr([p.items[0]!, p.items[1]!, p.items[3]!]) : p))) : pending;
      expect(got).toEqual(arr(rows.map(([id, [owner, n]]) => arr([bulk(id), bulk(owner), int(n)]))));
    }
  }
}

describeModel('streams against an in-memory model (fast-check, real server)', { cmdArb, newModel: (): Model => new Map(), step, checkAll, seed: 20261125 });
