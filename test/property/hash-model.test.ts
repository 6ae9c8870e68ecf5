// Hashes against an in-memory model: fast-check generates command sequences (binary fields and
// values, long values and hashes past the listpack limits, so both encodings Redis would pick
// are exercised), runs them on a real pikiraft-server process and checks every reply against a
// Map of Maps. After each sequence the whole keyspace is compared: every hash's HLEN and
// HGETALL, a full HSCAN, and that no empty hash exists (DBSIZE counts only non-empty ones).
import { expect } from 'vitest';
import fc from 'fast-check';
import { bulkOf, describeModel, intOf, itemsOf } from '../helpers/model-check.js';
import type { RespClient, RespValue } from '../helpers/resp-client.js';

type Model = Map<string, Map<string, string>>;

const KEYS = ['k0', 'k1', 'k2'];
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const fieldArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'c', 'field', '') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }).map(latin1) },
);
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1', '-7', 'v', '', '12345678901234567890') },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 8 }).map(latin1) },
  // Longer than hash-max-listpack-value (64): Redis would switch to a hash table.
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 65, maxLength: 100 }).map(latin1) },
);
const keyArb = fc.constantFrom(...KEYS);

type Cmd =
  | { op: 'hset'; key: string; pairs: [string, string][] }
  | { op: 'hsetnx'; key: string; field: string; value: string }
  | { op: 'hsetMany'; key: string; n: number }
  | { op: 'hdel'; key: string; fields: string[] }
  | { op: 'hget'; key: string; field: string }
  | { op: 'hmget'; key: string; fields: string[] }
  | { op: 'hlen'; key: string }
  | { op: 'hstrlen'; key: string; field: string }
  | { op: 'hexists'; key: string; field: string }
  | { op: 'hincrby'; key: string; field: string; by: number }
  | { op: 'hkeys'; key: string }
  | { op: 'hvals'; key: string }
  | { op: 'hrandfield'; key: string; count: number; withValues: boolean }
  | { op: 'hscan'; key: string; count: number }
  | { op: 'del'; key: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'copy'; from: string; to: string };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('hset' as const), key: keyArb, pairs: fc.array(fc.tuple(fieldArb, valueArb), { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hsetnx' as const), key: keyArb, field: fieldArb, value: valueArb }) },
  // Past hash-max-listpack-entries (128), so large-hash paths (HSCAN paging) run too.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hsetMany' as const), key: keyArb, n: fc.integer({ min: 100, max: 300 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('hdel' as const), key: keyArb, fields: fc.array(fieldArb, { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hget' as const), key: keyArb, field: fieldArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hmget' as const), key: keyArb, fields: fc.array(fieldArb, { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hlen' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hstrlen' as const), key: keyArb, field: fieldArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hexists' as const), key: keyArb, field: fieldArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hincrby' as const), key: keyArb, field: fieldArb, by: fc.integer({ min: -1000, max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hkeys' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hvals' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hrandfield' as const), key: keyArb, count: fc.integer({ min: -20, max: 400 }), withValues: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hscan' as const), key: keyArb, count: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('del' as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), from: keyArb, to: keyArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('copy' as const), from: keyArb, to: keyArb }) },
);

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
const pairsText = (h: Map<string, string>): string[] => sorted([...h].map(([f, v]) => JSON.stringify([f, v])));
const pairsFromFlat = (flat: string[]): string[] => {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push(JSON.stringify([flat[i], flat[i + 1]]));
  return sorted(out);
};

/** Every field/value pair a full HSCAN returns, deduplicated. */
async function scanAll(c: RespClient, key: string, count: number): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = '0';
  for (let calls = 0; calls < 10_000; calls++) {
    const r = (await c.call('HSCAN', key, cursor, 'COUNT', String(count))).value;
    if (r.t !== 'array') throw new Error(`HSCAN replied ${JSON.stringify(r)}`);
    const [next, page] = r.items as [RespValue, RespValue];
    for (const p of pairsFromFlat(itemsOf(page))) seen.add(p);
    cursor = bulkOf(next)!;
    if (cursor === '0') return sorted(seen);
  }
  throw new Error('HSCAN did not finish');
}

async function step(c: RespClient, model: Model, cmd: Cmd): Promise<void> {
  const hash = (key: string): Map<string, string> | undefined => model.get(key);
  switch (cmd.op) {
    case 'hset': {
      const r = await c.call('HSET', cmd.key, ...cmd.pairs.flat());
      const h = hash(cmd.key) ?? new Map<string, string>();
      let created = 0;
      for (const [f, v] of cmd.pairs) {
        if (!h.has(f)) created++;
        h.set(f, v);
      }
      model.set(cmd.key, h);
      expect(intOf(r.value)).toBe(created);
      return;
    }
    case 'hsetnx': {
      const r = await c.call('HSETNX', cmd.key, cmd.field, cmd.value);
      const h = hash(cmd.key) ?? new Map<string, string>();
      const fresh = !h.has(cmd.field);
      if (fresh) h.set(cmd.field, cmd.value);
      model.set(cmd.key, h);
      expect(intOf(r.value)).toBe(fresh ? 1 : 0);
      return;
    }
    case 'hsetMany': {
      const pairs: string[] = [];
      for (let i = 0; i < cmd.n; i++) pairs.push(`many:${i}`, String(i));
      const r = await c.call('HSET', cmd.key, ...pairs);
      const h = hash(cmd.key) ?? new Map<string, string>();
      let created = 0;
      for (let i = 0; i < cmd.n; i++) {
        if (!h.has(`many:${i}`)) created++;
        h.set(`many:${i}`, String(i));
      }
      model.set(cmd.key, h);
      expect(intOf(r.value)).toBe(created);
      return;
    }
    case 'hdel': {
      const r = await c.call('HDEL', cmd.key, ...cmd.fields);
      const h = hash(cmd.key);
      let deleted = 0;
      for (const f of cmd.fields) if (h?.delete(f)) deleted++;
      if (h && h.size === 0) model.delete(cmd.key);
      expect(intOf(r.value)).toBe(deleted);
      return;
    }
    case 'hget':
      expect(bulkOf((await c.call('HGET', cmd.key, cmd.field)).value)).toBe(hash(cmd.key)?.get(cmd.field) ?? null);
      return;
    case 'hmget': {
      const r = (await c.call('HMGET', cmd.key, ...cmd.fields)).value;
      expect(r.t === 'array' ? r.items.map(bulkOf) : r).toEqual(cmd.fields.map((f) => hash(cmd.key)?.get(f) ?? null));
      return;
    }
    case 'hlen':
      expect(intOf((await c.call('HLEN', cmd.key)).value)).toBe(hash(cmd.key)?.size ?? 0);
      return;
    case 'hstrlen':
      expect(intOf((await c.call('HSTRLEN', cmd.key, cmd.field)).value)).toBe(Buffer.byteLength(hash(cmd.key)?.get(cmd.field) ?? '', 'latin1'));
      return;
    case 'hexists':
      expect(intOf((await c.call('HEXISTS', cmd.key, cmd.field)).value)).toBe(hash(cmd.key)?.has(cmd.field) ? 1 : 0);
      return;
    case 'hincrby': {
      const r = (await c.call('HINCRBY', cmd.key, cmd.field, String(cmd.by))).value;
      const cur = hash(cmd.key)?.get(cmd.field);
      if (cur !== undefined && (cur === '-0' || !/^-?(0|[1-9][0-9]{0,18})$/.test(cur))) {
        expect(r).toEqual({ t: 'error', s: 'ERR hash value is not an integer' });
        return;
      }
      const next = BigInt(cur ?? '0') + BigInt(cmd.by);
      if (cur !== undefined && (BigInt(cur) > 9223372036854775807n || BigInt(cur) < -9223372036854775808n)) {
        expect(r).toEqual({ t: 'error', s: 'ERR hash value is not an integer' });
        return;
      }
      const h = hash(cmd.key) ?? new Map<string, string>();
      h.set(cmd.field, next.toString());
      model.set(cmd.key, h);
      expect(r).toEqual({ t: 'int', n: next });
      return;
    }
    case 'hkeys':
      expect(sorted(itemsOf((await c.call('HKEYS', cmd.key)).value))).toEqual(sorted(hash(cmd.key)?.keys() ?? []));
      return;
    case 'hvals':
      expect(sorted(itemsOf((await c.call('HVALS', cmd.key)).value))).toEqual(sorted(hash(cmd.key)?.values() ?? []));
      return;
    case 'hrandfield': {
      const args = ['HRANDFIELD', cmd.key, String(cmd.count), ...(cmd.withValues ? ['WITHVALUES'] : [])];
      const flat = itemsOf((await c.call(...args)).value);
      const h = hash(cmd.key) ?? new Map<string, string>();
      const fields = cmd.withValues ? flat.filter((_, i) => i % 2 === 0) : flat;
      if (cmd.withValues) for (let i = 0; i < flat.length; i += 2) expect(h.get(flat[i]!)).toBe(flat[i + 1]);
      for (const f of fields) expect(h.has(f)).toBe(true);
      if (h.size === 0) expect(fields).toEqual([]);
      else if (cmd.count >= 0) {
        expect(fields.length).toBe(Math.min(cmd.count, h.size));
        expect(new Set(fields).size).toBe(fields.length);
      } else expect(fields.length).toBe(-cmd.count);
      return;
    }
    case 'hscan':
      expect(await scanAll(c, cmd.key, cmd.count)).toEqual(pairsText(hash(cmd.key) ?? new Map()));
      return;
    case 'del': {
      const r = await c.call('DEL', cmd.key);
      expect(intOf(r.value)).toBe(model.delete(cmd.key) ? 1 : 0);
      return;
    }
    case 'rename': {
      const r = (await c.call('RENAME', cmd.from, cmd.to)).value;
      const h = hash(cmd.from);
      if (h === undefined) expect(r).toEqual({ t: 'error', s: 'ERR no such key' });
      else {
        expect(r).toEqual({ t: 'simple', s: 'OK' });
        model.delete(cmd.from);
        model.set(cmd.to, h);
      }
      return;
    }
    case 'copy': {
      const r = (await c.call('COPY', cmd.from, cmd.to)).value;
      const h = hash(cmd.from);
      if (cmd.from === cmd.to) expect(r).toEqual({ t: 'error', s: 'ERR source and destination objects are the same' });
      else if (h === undefined || model.has(cmd.to)) expect(r).toEqual({ t: 'int', n: 0n });
      else {
        expect(r).toEqual({ t: 'int', n: 1n });
        model.set(cmd.to, new Map(h));
      }
      return;
    }
  }
}

/** The server's whole state equals the model: no empty hash, every hash's contents and count. */
async function checkAll(c: RespClient, model: Model): Promise<void> {
  expect(intOf((await c.call('DBSIZE')).value)).toBe(model.size);
  for (const key of KEYS) {
    const h = model.get(key);
    expect(intOf((await c.call('EXISTS', key)).value)).toBe(h ? 1 : 0);
    expect(intOf((await c.call('HLEN', key)).value)).toBe(h?.size ?? 0);
    expect(pairsFromFlat(itemsOf((await c.call('HGETALL', key)).value))).toEqual(pairsText(h ?? new Map()));
    expect(await scanAll(c, key, 7)).toEqual(pairsText(h ?? new Map()));
  }
}

describeModel('hashes against an in-memory model (fast-check, real server)', { cmdArb, newModel: (): Model => new Map(), step, checkAll, seed: 20260401 });
