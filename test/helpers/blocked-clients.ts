// Shared pieces of the blocking-command tests (test/integration/*blocking*.test.ts): a pikiraft
// and a redis-server for the enclosing file, clients that are closed afterwards, waiting for a
// number of blocked clients, and running one scenario on both servers.
import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RedisHandle } from './redis-server.js';
import { RespClient, textOf } from './resp-client.js';
import { startServer, type ServerHandle } from './server.js';

/** Waits until the server reports `n` blocked clients (INFO clients blocked_clients, or another field). */
export async function waitBlocked(admin: RespClient, n: number, field = 'blocked_clients'): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const info = textOf((await admin.call('INFO', 'clients')).value);
    const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
    if (m && Number(m[1]) === n) return;
    if (Date.now() > deadline) throw new Error(`expected ${n} blocked clients: ${info}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A scenario gets a fresh, flushed server and a client factory; it returns the raw replies it collected. */
export type Scenario = (open: () => Promise<RespClient>, admin: RespClient) => Promise<string[]>;

export interface BlockingServers {
  readonly pikiraft: () => ServerHandle;
  readonly redis: () => RedisHandle;
  /** A client (RESP3 after HELLO 3 when asked) closed when the file's tests end. */
  connect(port: number, proto: 2 | 3): Promise<RespClient>;
  /** Runs the same scenario against pikiraft and then redis-server; their transcripts. */
  onBoth(proto: 2 | 3, scenario: Scenario): Promise<[string[], string[]]>;
}

/** Starts pikiraft and redis-server for the enclosing file (beforeAll/afterAll). */
export function blockingServers(): BlockingServers {
  let pikiraft: ServerHandle | undefined;
  let redis: RedisHandle | undefined;
  const opened: RespClient[] = [];

  beforeAll(async () => {
    [pikiraft, redis] = await Promise.all([startServer(), startRedis()]);
  });

  afterAll(async () => {
    for (const c of opened) c.close();
    await Promise.all([pikiraft?.cleanup(), redis?.stop()]);
  });

  const connect = async (port: number, proto: 2 | 3): Promise<RespClient> => {
    const c = await RespClient.connect(port);
    opened.push(c);
    if (proto === 3) await c.call('HELLO', '3');
    return c;
  };

  const onBoth = async (proto: 2 | 3, scenario: Scenario): Promise<[string[], string[]]> => {
    const run = async (port: number): Promise<string[]> => {
      const admin = await connect(port, 2);
      await admin.call('FLUSHALL');
      const out = await scenario(() => connect(port, proto), admin);
      await waitBlocked(admin, 0);
      return out;
    };
    return [await run(pikiraft!.port), await run(redis!.port)];
  };

  return { pikiraft: () => pikiraft!, redis: () => redis!, connect, onBoth };
}
