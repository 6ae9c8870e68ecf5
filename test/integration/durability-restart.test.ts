// Clean shutdown: SIGTERM/SIGINT exit 0, data survives a restart, and writes in flight when the
// signal arrives are either acknowledged and durable, or not acknowledged at all.
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../helpers/server.js';

const handles: ServerHandle[] = [];
const clients: Redis[] = [];
/** An ioredis client without the INFO ready check (this test needs only GET and SET). */
function client(h: ServerHandle): Redis {
  const c = new Redis({ port: h.port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}
async function start(opts: Parameters<typeof startServer>[0] = {}): Promise<ServerHandle> {
  const h = await startServer(opts);
  handles.push(h);
  return h;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  // Later handles share the first one's directory; clean up in reverse so it is removed last.
  for (const h of handles.splice(0).reverse()) await h.cleanup();
});

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
}

describe('clean shutdown', () => {
  it('data persists across a SIGTERM restart, and SIGTERM exits 0', async () => {
    const first = await start();
    const c = client(first);
    await c.set('persist:a', 'alpha');
    await c.set('persist:b', Buffer.from([0, 1, 2, 255]));
    const pipeline = c.pipeline();
    for (let i = 0; i < 500; i++) pipeline.set(`persist:n${i}`, `value-${i}`);
    await pipeline.exec();
    expect(await first.stop()).toBe(0);
    expect(first.process.signalCode).toBeNull();

    const second = await start({ dir: first.dir, port: first.port });
    const d = client(second);
    expect(await d.get('persist:a')).toBe('alpha');
    expect(await d.getBuffer('persist:b')).toEqual(Buffer.from([0, 1, 2, 255]));
    const keys = Array.from({ length: 500 }, (_, i) => `persist:n${i}`);
    const values = await Promise.all(keys.map((k) => d.get(k)));
    expect(values).toEqual(keys.map((_, i) => `value-${i}`));
  });

  it('SIGINT exits 0 and keeps the data', async () => {
    const first = await start();
    await client(first).set('sigint:key', 'v');
    const exited = exitOf(first.process);
    first.process.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    const second = await start({ dir: first.dir, port: first.port });
    expect(await client(second).get('sigint:key')).toBe('v');
  });

  it('every SET acknowledged before a SIGTERM that follows 1000 pipelined SETs is present after restart', async () => {
    const first = await start();
    const socket = connect(first.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    const parts: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const key = `inflight:${i}`;
      const value = `v${i}`;
      parts.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`);
    }
    const exited = exitOf(first.process);
    socket.write(parts.join(''), () => first.process.kill('SIGTERM'));
    expect(await exited).toEqual({ code: 0, signal: null });
    await closed;

    // Replies arrive in request order: the acknowledged SETs are the leading run of +OK.
    const replies = received.split('\r\n').filter((l) => l !== '');
    let acked = 0;
    while (acked < replies.length && replies[acked] === '+OK') acked++;
    // Nothing after the first non-OK may claim success, and every other reply is an error.
    for (const r of replies.slice(acked)) expect(r.startsWith('-')).toBe(true);
    expect(replies.length).toBeLessThanOrEqual(1000);

    const second = await start({ dir: first.dir, port: first.port });
    const c = client(second);
    const keys = Array.from({ length: acked }, (_, i) => `inflight:${i}`);
    const p = c.pipeline();
    for (const k of keys) p.get(k);
    const values = ((await p.exec()) ?? []).map(([e, v]) => (e ? e.message : v));
    expect(values).toEqual(keys.map((_, i) => `v${i}`));
  });
});
