// COMMAND, COMMAND INFO/DOCS/COUNT/LIST/GETKEYS/GETKEYSANDFLAGS/HELP against redis-server 7.0:
// every command pikiraft registers must be described exactly as redis-server describes it, in
// RESP2 and RESP3. Differences are allowed only where listed below with a reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { itemsOf, RespClient, textOf, type RespValue } from '../helpers/resp-client.js';

let pikiraft: ServerHandle;
let redis: RedisHandle;
const ours: Record<2 | 3, RespClient> = {} as Record<2 | 3, RespClient>;
const theirs: Record<2 | 3, RespClient> = {} as Record<2 | 3, RespClient>;
/** Every command and subcommand pikiraft registers (COMMAND LIST). */
let names: string[] = [];
/** Registered commands redis-server does not have (pikiraft's own). */
let pikiraftOnly: Set<string>;

beforeAll(async () => {
  [pikiraft, redis] = await Promise.all([startServer(), startRedis()]);
  for (const proto of [2, 3] as const) {
    ours[proto] = await RespClient.connect(pikiraft.port);
    theirs[proto] = await RespClient.connect(redis.port);
    if (proto === 3) await Promise.all([ours[3].call('HELLO', '3'), theirs[3].call('HELLO', '3')]);
  }
  names = itemsOf((await ours[2].call('COMMAND', 'LIST')).value).map(textOf);
  const known = await Promise.all(names.map(async (n) => (await theirs[2].call('COMMAND', 'INFO', n)).value));
  pikiraftOnly = new Set(names.filter((_, i) => itemsOf(known[i]!)[0]!.t === 'null'));
});

afterAll(async () => {
  for (const proto of [2, 3] as const) {
    ours[proto]?.close();
    theirs[proto]?.close();
  }
  await Promise.all([pikiraft?.cleanup(), redis?.stop()]);
});

/**
 * Where pikiraft's COMMAND INFO legitimately differs from redis-server's, by command and field.
 * Each listed field must really differ (a stale entry fails the test).
 */
const INFO_DIFFERENCES: ReadonlyMap<string, { fields: readonly InfoField[]; reason: string }> = new Map([
] as const);

const INFO_FIELDS = ['name', 'arity', 'flags', 'first', 'last', 'step', 'acl', 'tips', 'keySpecs', 'subcommands'] as const;
type InfoField = (typeof INFO_FIELDS)[number];

/** Sends the same command to both servers over the given protocol. */
async function both(proto: 2 | 3, ...args: string[]): Promise<[{ value: RespValue; raw: string }, { value: RespValue; raw: string }]> {
  return Promise.all([ours[proto].call(...args), theirs[proto].call(...args)]);
}

/** A container's subcommand entries by name (COMMAND INFO's tenth field). */
function subEntries(entry: RespValue): Map<string, RespValue> {
  return new Map(itemsOf(itemsOf(entry)[9]!).map((s) => [textOf(itemsOf(s)[0]!), s]));
}

describe('COMMAND INFO <name> equals redis-server for every registered command', () => {
  for (const proto of [2, 3] as const) {
    it(`RESP${proto}`, async () => {
      const mismatches: string[] = [];
      for (const name of names) {
        if (pikiraftOnly.has(name)) continue;
        const [o, t] = await both(proto, 'COMMAND', 'INFO', name);
        const mine = itemsOf(itemsOf(o.value)[0]!);
        const ref = itemsOf(itemsOf(t.value)[0]!);
        const allowed = INFO_DIFFERENCES.get(name);
        INFO_FIELDS.forEach((field, i) => {
          if (field === 'subcommands') {
            // Containers: ours must be a subset of Redis's, each described identically.
            const refSubs = subEntries(itemsOf(t.value)[0]!);
            for (const [sub, entry] of subEntries(itemsOf(o.value)[0]!)) {
              if (!refSubs.has(sub)) mismatches.push(`${sub}: not a redis-server subcommand`);
              else if (!isDeepEqual(entry, refSubs.get(sub)!)) mismatches.push(`${sub}: differs when listed under ${name}`);
            }
            if (refSubs.size === 0 && mine[9]!.t !== ref[9]!.t) mismatches.push(`${name} subcommands: ${mine[9]!.t} vs ${ref[9]!.t}`);
            return;
          }
          const same = isDeepEqual(mine[i]!, ref[i]!);
          if (allowed?.fields.includes(field)) {
            if (same) mismatches.push(`${name} ${field}: listed as a difference but equal (remove it from INFO_DIFFERENCES)`);
          } else if (!same) {
            mismatches.push(`${name} ${field}: pikiraft ${show(mine[i]!)} vs redis-server ${show(ref[i]!)}`);
          }
        });
        // Commands without subcommands or listed differences: the very same bytes.
        if (!allowed && itemsOf(ref[9]!).length === 0 && o.raw !== t.raw && !mismatches.some((m) => m.startsWith(`${name} `))) {
          mismatches.push(`${name}: same fields, different bytes`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('COMMAND DOCS <name> equals redis-server for every registered command', () => {
  for (const proto of [2, 3] as const) {
    it(`RESP${proto}`, async () => {
      for (const name of names) {
        if (pikiraftOnly.has(name)) continue;
        const [o, t] = await both(proto, 'COMMAND', 'DOCS', name);
        const mine = asMap(o.value).get(name)!;
        const ref = asMap(t.value).get(name)!;
        const refSubs = asMap(ref).get('subcommands');
        if (refSubs === undefined) {
          expect(o.raw, name).toBe(t.raw);
          continue;
        }
        // Containers: the same docs, and a subset of the subcommands documented identically.
        const strip = (m: RespValue): [string, RespValue][] => [...asMap(m)].filter(([k]) => k !== 'subcommands');
        expect(strip(mine), name).toEqual(strip(ref));
        const theirSubs = asMap(refSubs);
        for (const [sub, docs] of asMap(asMap(mine).get('subcommands')!)) expect(docs, sub).toEqual(theirSubs.get(sub));
      }
    });
  }
});

describe('whole-table replies', () => {
  it('COMMAND COUNT counts the top-level commands; COMMAND and COMMAND INFO list each once', async () => {
    const top = names.filter((n) => !n.includes('|'));
    expect((await ours[2].call('COMMAND', 'COUNT')).value).toEqual({ t: 'int', n: BigInt(top.length) });
    for (const proto of [2, 3] as const) {
      for (const args of [['COMMAND'], ['COMMAND', 'INFO']]) {
        const all = itemsOf((await ours[proto].call(...args)).value);
        expect(all.map((e) => textOf(itemsOf(e)[0]!)).sort()).toEqual([...top].sort());
        const get = all.find((e) => textOf(itemsOf(e)[0]!) === 'get')!;
        expect(get).toEqual(itemsOf((await ours[proto].call('COMMAND', 'INFO', 'get')).value)[0]);
      }
    }
  });

  it('COMMAND DOCS without names documents every top-level command', async () => {
    for (const proto of [2, 3] as const) {
      const all = await ours[proto].call('COMMAND', 'DOCS');
      const keys = [...asMap(all.value).keys()];
      expect(keys.sort()).toEqual(names.filter((n) => !n.includes('|')).sort());
    }
  });

  it('COMMAND LIST and its filters select what redis-server selects', async () => {
    const ourSet = new Set(names);
    const listOf = (v: RespValue): string[] => itemsOf(v).map(textOf).sort();
    const filters: [string, string][] = [
      ...['keyspace', 'read', 'write', 'string', 'admin', 'fast', 'slow', 'dangerous', 'connection', 'KEYSPACE', '@read', 'nosuch'].map(
        (c): [string, string] => ['ACLCAT', c],
      ),
      ...['c*', 'CLIENT|*', '*|help', '[cd]e*', 'get?*', 'nosuch'].map((p): [string, string] => ['PATTERN', p]),
      ['MODULE', 'x'],
    ];
    for (const [kind, arg] of filters) {
      const [o, t] = await both(2, 'COMMAND', 'LIST', 'FILTERBY', kind, arg);
      // Commands with listed ACL differences are checked by COMMAND INFO, not here.
      const aclDiffers = (n: string): boolean => INFO_DIFFERENCES.get(n)?.fields.includes('acl') === true;
      const expected = listOf(t.value).filter((n) => ourSet.has(n) && !aclDiffers(n));
      const mine = listOf(o.value).filter((n) => !pikiraftOnly.has(n) && !aclDiffers(n));
      expect(mine, `${kind} ${arg}`).toEqual(expected);
    }
    const [o, t] = await both(2, 'COMMAND', 'LIST');
    expect(listOf(o.value)).toEqual([...ourSet].sort());
    expect(listOf(t.value)).toEqual(expect.arrayContaining(listOf(o.value).filter((n) => !pikiraftOnly.has(n))));
  });
});

describe('same bytes as redis-server', () => {
  const cases: string[][] = [
    ['COMMAND', 'HELP'],
    ['COMMAND', 'HELP', 'x'],
    ['COMMAND', 'help'],
    ['COMMAND', 'foo'],
    ['COMMAND', 'COUNT', 'x'],
    ['COMMAND', 'INFO', 'nosuch'],
    ['COMMAND', 'INFO', 'Get', 'CLIENT|ID', 'client|nosuch', 'a|b|c', 'client|', 'get|x', 'TTL'],
    ['COMMAND', 'DOCS', 'nosuch'],
    ['COMMAND', 'DOCS', 'get', 'nosuch', 'GET', 'config|get'],
    ['COMMAND', 'LIST', 'FILTERBY'],
    ['COMMAND', 'LIST', 'foo'],
    ['COMMAND', 'LIST', 'FILTERBY', 'foo', 'bar'],
    ['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'x', 'extra'],
    ['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'x', 'FILTERBY', 'aclcat', 'read'],
    ['COMMAND', 'GETKEYS'],
    ['COMMAND', 'GETKEYS', 'get'],
    ['COMMAND', 'GETKEYS', 'get', 'k'],
    ['COMMAND', 'GETKEYS', 'GET', 'k', 'extra'],
    ['COMMAND', 'GETKEYS', 'nope', 'x'],
    ['COMMAND', 'GETKEYS', 'ping', 'x'],
    ['COMMAND', 'GETKEYS', 'client', 'list'],
    ['COMMAND', 'GETKEYS', 'client', 'nope'],
    ['COMMAND', 'GETKEYS', 'object', 'encoding'],
    ['COMMAND', 'GETKEYS', 'object', 'encoding', 'k'],
    ['COMMAND', 'GETKEYS', 'object', 'nope', 'k'],
    ['COMMAND', 'GETKEYS', 'config', 'get', 'x'],
    ['COMMAND', 'GETKEYS', 'command', 'getkeys', 'get', 'k'],
    ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'],
    ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b'],
    ['COMMAND', 'GETKEYS', 'mget', 'a', 'b', 'c'],
    ['COMMAND', 'GETKEYS', 'del', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'copy', 'a', 'b', 'DB', '1'],
    ['COMMAND', 'GETKEYS', 'rename', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'set', 'k', 'v', 'EX', '10'],
    ['COMMAND', 'GETKEYS', 'keys', '*'],
    ['COMMAND', 'GETKEYS', 'debug', 'sleep', '0'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'get'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'NX', 'GET'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'get'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'copy', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'renamenx', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'del', 'a', 'b', 'c'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'getex', 'a', 'PERSIST'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'object', 'freq', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'ping'],
  ];
  for (const proto of [2, 3] as const) {
    for (const args of cases) {
      it(`RESP${proto} ${args.join(' ')}`, async () => {
        const [o, t] = await both(proto, ...args);
        expect(o.raw).toBe(t.raw);
      });
    }
  }
});

/** A RESP3 map, or the flat key/value array RESP2 sends instead, by key. */
function asMap(v: RespValue): Map<string, RespValue> {
  if (v.t === 'map') return new Map(v.entries.map(([k, x]) => [textOf(k), x]));
  const items = itemsOf(v);
  const out = new Map<string, RespValue>();
  for (let i = 0; i < items.length; i += 2) out.set(textOf(items[i]!), items[i + 1]!);
  return out;
}

function isDeepEqual(a: RespValue, b: RespValue): boolean {
  return JSON.stringify(a, bigints) === JSON.stringify(b, bigints);
}

function show(v: RespValue): string {
  return JSON.stringify(v, bigints);
}

function bigints(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
