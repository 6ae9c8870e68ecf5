// Shared pieces of the differential tests (test/integration/differential-*.test.ts): replies as
// plain data for toEqual, pair extraction, and a pikiraft/redis-server pair with one connection
// per protocol on each side.
import { afterAll, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import { startRedis, type RedisHandle } from './redis-server.js';
import { RespClient, type RespValue } from './resp-client.js';
import { startServer, type ServerHandle } from './server.js';

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

/** A RespValue as plain data (bigints as text) for toEqual. */
export type Plain = string | boolean | null | Plain[] | { [k: string]: Plain };

export function plain(v: RespValue): Plain {
  switch (v.t) {
    case 'int':
      return { int: v.n.toString() };
    case 'bool':
      return { bool: v.v };
    case 'null':
      return { null: null };
    case 'array':
    case 'set':
    case 'push':
      return { [v.t]: v.items.map(plain) };
    case 'map':
    case 'attribute':
      return { [v.t]: v.entries.map(([a, b]) => [plain(a), plain(b)]) };
    default:
      return { [v.t]: v.s };
  }
}

export const sortPlain = (xs: Plain[]): Plain[] => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/** The text of a bulk, simple or double reply. */
export function str(v: RespValue): string {
  if (v.t !== 'bulk' && v.t !== 'simple' && v.t !== 'double') throw new Error(`expected a string reply, got ${v.t}`);
  return v.s;
}

/** Field/value (or member/score) pairs of a flat array (RESP2) or a list of two-element arrays (RESP3). */
export function pairsOf(items: readonly RespValue[]): [string, string][] {
  const out: [string, string][] = [];
  if (items.length > 0 && items.every((i) => i.t === 'array')) {
    for (const i of items) if (i.t === 'array') out.push([str(i.items[0]!), str(i.items[1]!)]);
    return out;
  }
  for (let i = 0; i < items.length; i += 2) out.push([str(items[i]!), str(items[i + 1]!)]);
  return out;
}

export interface Conn {
  readonly c: RespClient;
  readonly proto: 2 | 3;
}

/**
 * Starts pikiraft and redis-server for the enclosing describe block (beforeAll/afterAll) and
 * connects to each over RESP2 (index 0) and RESP3 (index 1). The arrays fill in beforeAll.
 */
export function serverPair(): { ours: Conn[]; theirs: Conn[] } {
  let server: ServerHandle | undefined;
  let redis: RedisHandle | undefined;
  const ours: Conn[] = [];
  const theirs: Conn[] = [];

  beforeAll(async () => {
    [server, redis] = await Promise.all([startServer(), startRedis()]);
    for (const proto of [2, 3] as const) {
      const [o, t] = await Promise.all([RespClient.connect(server.port), RespClient.connect(redis.port)]);
      if (proto === 3) await Promise.all([o.call('HELLO', '3'), t.call('HELLO', '3')]);
      ours.push({ c: o, proto });
      theirs.push({ c: t, proto });
    }
  });

  afterAll(async () => {
    for (const c of [...ours, ...theirs]) c.c.close();
    await Promise.all([server?.cleanup(), redis?.stop()]);
  });

  return { ours, theirs };
}

/**
 * Starts pikiraft and redis-server for the enclosing describe block and connects one ioredis
 * client to each (for tests that want ioredis's Buffer replies). The clients exist from beforeAll.
 */
export function ioredisPair(): { readonly ours: Redis; readonly theirs: Redis } {
  let server: ServerHandle | undefined;
  let redis: RedisHandle | undefined;
  const clients: { ours?: Redis; theirs?: Redis } = {};
  const connect = (port: number): Redis => new Redis({ port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0 });

  beforeAll(async () => {
    [server, redis] = await Promise.all([startServer(), startRedis()]);
    clients.ours = connect(server.port);
    clients.theirs = connect(redis.port);
  });

  afterAll(async () => {
    clients.ours?.disconnect();
    clients.theirs?.disconnect();
    await Promise.all([server?.cleanup(), redis?.stop()]);
  });

  const started = (c: Redis | undefined): Redis => {
    if (!c) throw new Error('ioredisPair clients are used before beforeAll ran');
    return c;
  };
  return {
    get ours() {
      return started(clients.ours);
    },
    get theirs() {
      return started(clients.theirs);
    },
  };
}

/**
 * Every pair a full HSCAN/ZSCAN iteration from argv's cursor returns (sorted, deduplicated), or
 * the first error or malformed page.
 */
export async function fullPairScan(conn: Conn, argv: string[]): Promise<Plain> {
  const seen = new Set<string>();
  let cursor = argv[2]!;
  for (let calls = 0; calls < 1000; calls++) {
    const r = (await conn.c.call(argv[0]!, argv[1]!, cursor, ...argv.slice(3))).value;
    if (r.t !== 'array') return plain(r);
    const [next, page] = r.items as [RespValue, RespValue];
    if (next.t !== 'bulk' || page.t !== 'array' || page.items.length % 2 !== 0) return { badShape: plain(r) };
    for (const i of page.items) if (i.t !== 'bulk') return { badItem: plain(i) };
    for (const [f, v] of pairsOf(page.items)) seen.add(JSON.stringify([f, v]));
    cursor = next.s;
    if (cursor === '0') return { scan: [...seen].sort() };
  }
  return { scan: 'did not finish' };
}
