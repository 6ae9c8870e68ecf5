// The compiled server (dist/, as `npm start` runs it) starts, serves, keeps data across a restart
// and exits 0 on SIGTERM. `npm test` builds dist first (pretest); build it here if it is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../helpers/server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST_ENTRY = join(ROOT, 'dist/src/bin/pikiraft-server.js');

let server: ServerHandle | null = null;
const clients: Redis[] = [];
const client = (h: ServerHandle): Redis => {
  const c = new Redis({ port: h.port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
};

beforeAll(() => {
  if (!existsSync(DIST_ENTRY)) {
    // tsc exits non-zero on type errors elsewhere but still emits; only the entry point matters.
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe' });
    } catch (e) {
      if (!existsSync(DIST_ENTRY)) throw e;
    }
  }
}, 300_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server?.cleanup();
});

describe('compiled server from dist/', () => {
  it('starts, serves SET/GET/PING, restarts with its data and exits 0 on SIGTERM', async () => {
    server = await startServer({ dist: true });
    expect(server.process.spawnargs).toContain(DIST_ENTRY);
    const c = client(server);
    expect(await c.ping()).toBe('PONG');
    expect(await c.set('dist:key', 'compiled')).toBe('OK');
    expect(await c.get('dist:key')).toBe('compiled');
    c.disconnect();

    const first = server;
    server = null;
    expect(await first.stop()).toBe(0);
    server = await startServer({ dist: true, dir: first.dir, port: first.port });
    expect(await client(server).get('dist:key')).toBe('compiled');
    expect(await server.stop()).toBe(0);
    await server.cleanup();
    await first.cleanup();
    server = null;
  });
});
