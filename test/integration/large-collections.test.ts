// Collections of a million elements on one server process: commands on them touch only what
// they need (memory stays bounded: nothing loads the whole collection), and DEL is O(1) — the key
// is gone at once and the background GC removes the data records afterwards with one
// deleteRange. No timing is asserted: the test checks replies, the server's memory growth while
// reading (a bound far below what materializing a million elements costs), and, once the server
// has stopped, that RocksDB holds no data record and no GC task any more.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { RespClient, type RespValue } from '../helpers/resp-client.js';
import { Store } from '../../src/state-machine/store.js';
import { pendingGcTasks } from '../../src/state-machine/gc.js';
import { PREFIX } from '../../src/state-machine/encoding.js';

const ELEMENTS = 1_000_000;
const ELEMENTS_PER_COMMAND = 10_000;
/** Upper bound for the background GC to run after DEL (it runs every 1/hz s; hz is 10). */
const GC_WAIT_MS_MAX = 30_000;
/**
 * How much the server's resident memory may grow while it answers reads over a million-element
 * collection. A million members materialized as Buffers in a JS array cost well over 100 MB, so
 * a command that loaded a whole collection would break this bound.
 */
const READ_RSS_GROWTH_BYTES_MAX = 64 * 1024 * 1024;

const int = (v: RespValue): number => {
  if (v.t !== 'int') throw new Error(`expected an integer, got ${JSON.stringify(v)}`);
  return Number(v.n);
};
const bulks = (v: RespValue): string[] => {
  if (v.t !== 'array') throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return v.items.map((x) => (x.t === 'bulk' ? x.s : JSON.stringify(x)));
};

async function infoField(c: RespClient, section: string, field: string): Promise<number> {
  const r = (await c.call('INFO', section)).value;
  if (r.t !== 'bulk') throw new Error('INFO did not answer a bulk string');
  const m = new RegExp(`${field}:(\\d+)`).exec(r.s);
  if (!m) throw new Error(`INFO ${section} has no ${field}`);
  return Number(m[1]);
}

async function countRecords(store: Store, prefix: number): Promise<number> {
  let n = 0;
  for await (const _ of store.iterate({ gte: Buffer.from([prefix]), lt: Buffer.from([prefix + 1]), keysOnly: true })) n++;
  return n;
}

/** Fills `key` with ELEMENTS elements, ELEMENTS_PER_COMMAND per command; `args(i)` gives element i's arguments. */
async function fill(c: RespClient, cmd: string, key: string, args: (i: number) => string[]): Promise<void> {
  for (let start = 0; start < ELEMENTS; start += ELEMENTS_PER_COMMAND) {
    const argv: string[] = [];
    for (let i = start; i < start + ELEMENTS_PER_COMMAND; i++) argv.push(...args(i));
    const r = (await c.call(cmd, key, ...argv)).value;
    if (r.t !== 'int') throw new Error(`${cmd} answered ${r.t === 'error' ? r.s : r.t}`);
  }
}

describe('collections of a million elements', () => {
  let server: ServerHandle;
  let c: RespClient;

  beforeAll(async () => {
    server = await startServer();
    c = await RespClient.connect(server.port);
  });

  afterAll(async () => {
    c?.close();
    await server?.cleanup();
  });

  it('hash, sorted set and list answer reads with bounded memory; DEL is immediate and GC reclaims everything', { timeout: 600_000 }, async () => {
    await fill(c, 'HSET', 'hash', (i) => [`field:${i}`, `value:${i}`]);
    await fill(c, 'ZADD', 'zset', (i) => [String(i), `member:${i}`]);
    await fill(c, 'RPUSH', 'list', (i) => [`item:${i}`]);

    const rssBefore = await infoField(c, 'memory', 'used_memory_rss');

    expect(int((await c.call('HLEN', 'hash')).value)).toBe(ELEMENTS);
    expect((await c.call('HGET', 'hash', 'field:765432')).value).toEqual({ t: 'bulk', s: 'value:765432' });
    expect(bulks((await c.call('HRANDFIELD', 'hash', '5')).value)).toHaveLength(5);
    expect(bulks((await c.call('HRANDFIELD', 'hash', '-20', 'WITHVALUES')).value)).toHaveLength(40);
    let cursor = '0';
    for (let page = 0; page < 20; page++) {
      const r = (await c.call('HSCAN', 'hash', cursor, 'COUNT', '1000')).value;
      if (r.t !== 'array' || r.items[0]?.t !== 'bulk') throw new Error('HSCAN reply shape');
      cursor = r.items[0].s;
      expect(cursor).not.toBe('0');
    }

    expect(int((await c.call('ZCARD', 'zset')).value)).toBe(ELEMENTS);
    expect(bulks((await c.call('ZRANGE', 'zset', '500000', '500002')).value)).toEqual(['member:500000', 'member:500001', 'member:500002']);
    expect(bulks((await c.call('ZRANGE', 'zset', '(899999', '+inf', 'BYSCORE', 'LIMIT', '0', '2')).value)).toEqual(['member:900000', 'member:900001']);
    expect(int((await c.call('ZRANK', 'zset', 'member:999990')).value)).toBe(999_990);
    expect(int((await c.call('ZCOUNT', 'zset', '100', '199')).value)).toBe(100);
    expect(bulks((await c.call('ZRANDMEMBER', 'zset', '3')).value)).toHaveLength(3);

    expect(int((await c.call('LLEN', 'list')).value)).toBe(ELEMENTS);
    expect((await c.call('LINDEX', 'list', '654321')).value).toEqual({ t: 'bulk', s: 'item:654321' });
    expect(bulks((await c.call('LRANGE', 'list', '-2', '-1')).value)).toEqual(['item:999998', 'item:999999']);
    expect(bulks((await c.call('LRANGE', 'list', '500000', '500001')).value)).toEqual(['item:500000', 'item:500001']);

    const rssAfter = await infoField(c, 'memory', 'used_memory_rss');
    expect(rssAfter - rssBefore).toBeLessThan(READ_RSS_GROWTH_BYTES_MAX);

    for (const key of ['hash', 'zset', 'list']) expect(int((await c.call('DEL', key)).value)).toBe(1);
    expect(int((await c.call('DBSIZE')).value)).toBe(0);
    expect(int((await c.call('HLEN', 'hash')).value)).toBe(0);
    expect((await c.call('HGET', 'hash', 'field:123456')).value).toEqual({ t: 'null' });
    expect((await c.call('LINDEX', 'list', '0')).value).toEqual({ t: 'null' });

    // A new collection under the same name gets a new version: none of the old elements shows
    // through, even before GC has run.
    expect(int((await c.call('HSET', 'hash', 'field:1', 'new')).value)).toBe(1);
    expect((await c.call('HGETALL', 'hash')).value).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'field:1' }, { t: 'bulk', s: 'new' }] });
    expect(int((await c.call('DEL', 'hash')).value)).toBe(1);
    expect(int((await c.call('DBSIZE')).value)).toBe(0);

    // Four collection versions were dropped (three DELs, then the new hash's): wait for the
    // collector to finish their tasks, then check RocksDB itself.
    const deadline = Date.now() + GC_WAIT_MS_MAX;
    while ((await infoField(c, 'stats', 'gc_tasks_done')) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    c.close();
    expect(await server.stop()).toBe(0);
    const store = await Store.open(join(server.dir, 'db'));
    try {
      expect(await pendingGcTasks(store)).toBe(0);
      expect(await countRecords(store, PREFIX.data)).toBe(0);
      expect(await countRecords(store, PREFIX.meta)).toBe(0);
    } finally {
      await store.close();
    }
  });
});
