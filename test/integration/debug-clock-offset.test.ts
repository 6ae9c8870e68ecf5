// debug-clock-offset-ms (test only, the chaos suite's clock skew): the node judges expiry and
// stamps proposals by its wall clock plus the offset.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../helpers/server.js';

let server: ServerHandle;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.cleanup();
});

const HOUR_MS = 3_600_000;

it('a skewed clock expires keys early for reads and stamps later expiry on writes', async () => {
  const c = server.client();
  expect(await c.config('GET', 'debug-clock-offset-ms')).toEqual(['debug-clock-offset-ms', '0']);
  await c.set('soon', 'v', 'PX', HOUR_MS);
  await c.config('SET', 'debug-clock-offset-ms', String(2 * HOUR_MS));
  // Two hours ahead, the one-hour key has expired as far as this node can tell.
  expect(await c.get('soon')).toBeNull();
  // A relative expiry set now is stamped two hours ahead: back on the real clock it has ~3 hours left.
  await c.set('later', 'v', 'PX', HOUR_MS);
  await c.config('SET', 'debug-clock-offset-ms', '0');
  expect(await c.pttl('later')).toBeGreaterThan(2 * HOUR_MS);
  await expect(c.config('SET', 'debug-clock-offset-ms', 'x')).rejects.toThrow(/debug-clock-offset-ms/);
});
