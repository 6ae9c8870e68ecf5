// DEL of a 200,000-field hash is O(1): the key is gone at once (meta deleted, version queued for
// GC) and the data records are removed afterwards by the background GC with one deleteRange.
// No timing is asserted: the test checks the visible state right after DEL and, once the server
// has stopped, that RocksDB holds no data record and no GC task any more.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { RespClient, type RespValue } from '../helpers/resp-client.js';
import { Store } from '../../src/state-machine/store.js';
import { pendingGcTasks } from '../../src/state-machine/gc.js';
import { PREFIX } from '../../src/state-machine/encoding.js';

const FIELDS = 200_000;
const FIELDS_PER_HSET = 10_000;
/** Upper bound for the background GC to run after DEL (it runs every 1/hz s; hz is 10). */
const GC_WAIT_MS_MAX = 20_000;

const int = (v: RespValue): number => {
  if (v.t !== 'int') throw new Error(`expected an integer, got ${JSON.stringify(v)}`);
  return Number(v.n);
};

async function writeBatches(c: RespClient): Promise<number> {
  const r = (await c.call('INFO', 'stats')).value;
  if (r.t !== 'bulk') throw new Error('INFO did not answer a bulk string');
  const m = /rocksdb_write_batches:(\d+)/.exec(r.s);
  if (!m) throw new Error('INFO stats has no rocksdb_write_batches');
  return Number(m[1]);
}

async function countRecords(store: Store, prefix: number): Promise<number> {
  let n = 0;
  for await (const _ of store.iterate({ gte: Buffer.from([prefix]), lt: Buffer.from([prefix + 1]), keysOnly: true })) n++;
  return n;
}

describe('DEL of a 200k-field hash', () => {
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

  it('deletes the key at once and GC later removes every data record', { timeout: 120_000 }, async () => {
    for (let start = 0; start < FIELDS; start += FIELDS_PER_HSET) {
      const args: string[] = [];
      for (let i = start; i < start + FIELDS_PER_HSET; i++) args.push(`field:${i}`, `value:${i}`);
      expect(int((await c.call('HSET', 'big', ...args)).value)).toBe(FIELDS_PER_HSET);
    }
    expect(int((await c.call('HLEN', 'big')).value)).toBe(FIELDS);
    expect((await c.call('HGET', 'big', 'field:123456')).value).toEqual({ t: 'bulk', s: 'value:123456' });

    expect(int((await c.call('DEL', 'big')).value)).toBe(1);
    expect(int((await c.call('DBSIZE')).value)).toBe(0);
    expect(int((await c.call('HLEN', 'big')).value)).toBe(0);
    expect((await c.call('HGET', 'big', 'field:123456')).value).toEqual({ t: 'null' });

    // A new hash under the same name gets a new version: none of the old fields shows through,
    // even before GC has run.
    expect(int((await c.call('HSET', 'big', 'field:1', 'new')).value)).toBe(1);
    expect((await c.call('HGETALL', 'big')).value).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'field:1' }, { t: 'bulk', s: 'new' }] });
    expect(int((await c.call('DEL', 'big')).value)).toBe(1);
    expect(int((await c.call('DBSIZE')).value)).toBe(0);

    // No more client writes from here: the next RocksDB write batch is the GC's.
    const before = await writeBatches(c);
    const deadline = Date.now() + GC_WAIT_MS_MAX;
    while ((await writeBatches(c)) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

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
