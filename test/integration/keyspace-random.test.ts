import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../helpers/server.js';

describe('RANDOMKEY', () => {
  let server: ServerHandle;
  let c: Redis;
  beforeAll(async () => {
    server = await startServer();
    c = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
  });
  afterAll(async () => {
    c?.disconnect();
    await server?.cleanup();
  });

  it('returns nil on an empty database and only live keys otherwise, not always the same one', async () => {
    expect(await c.call('RANDOMKEY')).toBeNull();
    const keys = Array.from({ length: 50 }, (_, i) => `key:${String.fromCharCode(97 + (i % 26))}${i}`);
    await c.call('MSET', ...keys.flatMap((k) => [k, 'v']));
    await c.call('SET', 'gone', 'v', 'PX', '1');
    await new Promise((r) => setTimeout(r, 20));
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(String(await c.call('RANDOMKEY')));
    expect([...seen].every((k) => keys.includes(k))).toBe(true);
    expect(seen.size).toBeGreaterThan(5);
  });
});
