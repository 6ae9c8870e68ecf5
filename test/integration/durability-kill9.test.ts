// Crash safety: SIGKILL under concurrent load must not lose any acknowledged write.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../helpers/server.js';

const CLIENTS = 20;
const ROUNDS = 3;
const LOAD_BEFORE_KILL_MS = 1000;
const LOAD_MAX_MS = 2000;

let current: ServerHandle | null = null;
afterAll(async () => {
  await current?.cleanup();
});

/** One client writing unique keys until it fails or time is up; returns what was acknowledged. */
async function writer(port: number, round: number, id: number, stopAt: number): Promise<Map<string, string>> {
  const acked = new Map<string, string>();
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, lazyConnect: true, enableReadyCheck: false });
  c.on('error', () => undefined);
  try {
    await c.connect();
    for (let i = 0; Date.now() < stopAt; i++) {
      const key = `k9:${round}:${id}:${i}`;
      const value = `${round}-${id}-${i}-${'x'.repeat(i % 64)}`;
      // Three writes in flight per client: more interleaving inside each group commit.
      const batch = [0, 1, 2].map((j) => {
        const k = `${key}.${j}`;
        const v = `${value}.${j}`;
        return c.set(k, v).then(
          (r) => {
            if (r === 'OK') acked.set(k, v);
          },
          () => undefined,
        );
      });
      await Promise.all(batch);
      if (c.status !== 'ready') break;
    }
  } catch {
    // connection refused or reset: the server was killed
  } finally {
    c.disconnect();
  }
  return acked;
}

/** GET of many keys in one pipeline (MGET may not exist yet; GET always does). */
async function getMany(c: Redis, keys: readonly string[]): Promise<(string | null)[]> {
  const p = c.pipeline();
  for (const k of keys) p.get(k);
  const results = (await p.exec()) ?? [];
  return results.map(([e, v]) => {
    if (e) throw e;
    return v as string | null;
  });
}

describe('kill -9 under load', () => {
  it(`keeps every acknowledged SET across ${ROUNDS} crashes`, async () => {
    current = await startServer();
    const { dir, port } = current;
    const allAcked = new Map<string, string>();
    for (let round = 0; round < ROUNDS; round++) {
      const stopAt = Date.now() + LOAD_MAX_MS;
      const writers = Array.from({ length: CLIENTS }, (_, id) => writer(port, round, id, stopAt));
      await new Promise((r) => setTimeout(r, LOAD_BEFORE_KILL_MS));
      await current.kill();
      expect(current.process.signalCode).toBe('SIGKILL');
      for (const acked of await Promise.all(writers)) for (const [k, v] of acked) allAcked.set(k, v);

      current = await startServer({ dir, port });
      const c = new Redis({ port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      const keys = [...allAcked.keys()];
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        const values = await getMany(c, chunk);
        const lost = chunk.filter((k, j) => values[j] !== allAcked.get(k));
        expect(lost, `round ${round}: acknowledged keys lost or wrong after kill -9`).toEqual([]);
      }
      c.disconnect();
    }
    // The load really ran: something was acknowledged in every round.
    for (let round = 0; round < ROUNDS; round++) {
      expect([...allAcked.keys()].some((k) => k.startsWith(`k9:${round}:`))).toBe(true);
    }
  });
});
