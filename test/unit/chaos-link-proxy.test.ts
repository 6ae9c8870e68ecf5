// The proxy backend's link: passes bytes while open; when cut, drops its connections and holds
// new ones unanswered (a blackhole); when healed, lets the dialer reconnect. And backend choice.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkProxy } from '../../chaos/backends/link-proxy.js';
import { chooseBackend, type Detection } from '../../chaos/backends/detect.js';

let echo: Server;
let echoPort = 0;
let proxy: LinkProxy;

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as { port: number }).port;
  proxy = await LinkProxy.start('127.0.0.1', echoPort);
});

afterAll(async () => {
  await proxy.close();
  await new Promise<void>((r) => echo.close(() => r()));
});

function dial(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: proxy.port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** The echo of `text`, or null if nothing came back within `waitMs`. */
function roundTrip(s: Socket, text: string, waitMs = 300): Promise<string | null> {
  return new Promise((resolve) => {
    let got = '';
    const timer = setTimeout(() => resolve(null), waitMs);
    s.on('data', (d) => {
      got += d.toString();
      if (got === text) {
        clearTimeout(timer);
        resolve(got);
      }
    });
    s.write(text);
  });
}

const closed = (s: Socket): Promise<void> => new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));

describe('LinkProxy', () => {
  it('forwards, blackholes while cut, and recovers after the heal', async () => {
    const a = await dial();
    expect(await roundTrip(a, 'hello')).toBe('hello');
    proxy.setBlocked(true);
    await closed(a); // established connections are cut at once
    const b = await dial(); // accepted...
    b.on('error', () => undefined);
    expect(await roundTrip(b, 'lost')).toBeNull(); // ...but never answered
    proxy.setBlocked(false);
    await closed(b); // held connections are dropped so the dialer reconnects
    const c = await dial();
    expect(await roundTrip(c, 'again')).toBe('again');
    c.destroy();
  });
});

describe('chooseBackend', () => {
  const d = (netns: boolean): Detection => ({
    netns: { available: netns, reason: netns ? 'ok' : 'not root' },
    proxy: { available: true, reason: 'ok' },
    docker: { available: false, reason: 'unavailable' },
  });
  it('auto prefers netns when available; netns refuses when it is not', () => {
    expect(chooseBackend('auto', d(true))).toBe('netns');
    expect(chooseBackend('auto', d(false))).toBe('proxy');
    expect(chooseBackend('proxy', d(true))).toBe('proxy');
    expect(() => chooseBackend('netns', d(false))).toThrow(/--backend netns is unavailable: not root/);
  });
});
