// Pub/sub against redis-server 7.0: the same command sequences on both servers, replies and
// deliveries compared byte for byte (RESP2 and RESP3), plus what only pikiraft can be asked
// about itself (no trace left by a disconnected subscriber).
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { parseReply } from '../helpers/resp-client.js';
import { startServer, type ServerHandle } from '../helpers/server.js';

/** A raw client that reads replies and pushes as they come, not one reply per command. */
class Wire {
  private buf = Buffer.alloc(0);
  private readonly raws: string[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const r = parseReply(this.buf, 0);
        if (r === null) break;
        this.raws.push(this.buf.toString('latin1', 0, r.end));
        this.buf = this.buf.subarray(r.end);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new Wire(s)));
      s.once('error', reject);
    });
  }

  send(...args: (string | Buffer)[]): void {
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    this.socket.write(Buffer.concat(parts));
  }

  /** The next n replies (or pushes), as raw bytes. */
  async read(n: number): Promise<string[]> {
    const deadline = Date.now() + 5000;
    while (this.raws.length < n) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} replies, have ${JSON.stringify(this.raws)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.raws.splice(0, n);
  }

  /** Sends a command and reads `n` replies. */
  async call(n: number, ...args: (string | Buffer)[]): Promise<string[]> {
    this.send(...args);
    return this.read(n);
  }

  close(): void {
    this.socket.destroy();
  }
}

type Scenario = (port: number) => Promise<string[]>;

describe('pub/sub matches redis-server 7.0', () => {
  let server: ServerHandle;
  let redis: RedisHandle;

  beforeAll(async () => {
    [server, redis] = await Promise.all([startServer(), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all([server?.cleanup(), redis?.stop()]);
  });

  /** Runs the scenario on both servers and expects the same bytes. */
  async function same(scenario: Scenario): Promise<string[]> {
    const expected = await scenario(redis.port);
    const actual = await scenario(server.port);
    expect(actual).toEqual(expected);
    return actual;
  }

  it('subscribe/unsubscribe confirmations carry the running count (RESP2)', async () => {
    const out = await same(async (port) => {
      const c = await Wire.open(port);
      const r = [
        ...(await c.call(3, 'SUBSCRIBE', 's1.a', 's1.b', 's1.a')),
        ...(await c.call(2, 'PSUBSCRIBE', 's1.*', 's1.?')),
        ...(await c.call(1, 'UNSUBSCRIBE', 's1.b')),
        ...(await c.call(2, 'UNSUBSCRIBE', 'not-subscribed', 's1.b')),
        ...(await c.call(1, 'PUNSUBSCRIBE', 's1.?')),
        ...(await c.call(1, 'UNSUBSCRIBE')),
        ...(await c.call(1, 'UNSUBSCRIBE')),
        ...(await c.call(1, 'PUNSUBSCRIBE')),
        ...(await c.call(1, 'PUNSUBSCRIBE')),
        ...(await c.call(1, 'UNSUBSCRIBE', 'x')),
        // Out of subscribed mode again: any command runs.
        ...(await c.call(1, 'GET', 's1.missing')),
      ];
      c.close();
      return r;
    });
    expect(out[0]).toBe('*3\r\n$9\r\nsubscribe\r\n$4\r\ns1.a\r\n:1\r\n');
    expect(out[10]).toBe('*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n');
  });

  it('delivers message and pmessage to channel and pattern subscribers; PUBLISH counts receivers', async () => {
    await same(async (port) => {
      const sub = await Wire.open(port);
      const psub = await Wire.open(port);
      const pub = await Wire.open(port);
      const r = [
        ...(await sub.call(2, 'SUBSCRIBE', 's2.news', 's2.other')),
        ...(await psub.call(1, 'PSUBSCRIBE', 's2.n[aeiou]ws')),
        ...(await sub.call(1, 'PSUBSCRIBE', 's2.*')),
        ...(await pub.call(1, 'PUBLISH', 's2.news', 'hello')),
        ...(await sub.read(2)),
        ...(await psub.read(1)),
        ...(await pub.call(1, 'PUBLISH', 's2.other', Buffer.from([0, 13, 10, 255, 36]))),
        ...(await sub.read(2)),
        ...(await pub.call(1, 'PUBLISH', 's2.nows', '')),
        ...(await psub.read(1)),
        ...(await sub.read(1)),
        ...(await pub.call(1, 'PUBLISH', 'nobody-listens', 'x')),
        ...(await sub.call(2, 'UNSUBSCRIBE', 's2.news', 's2.other')),
        ...(await pub.call(1, 'PUBLISH', 's2.news', 'again')),
        ...(await sub.read(1)),
        ...(await psub.read(1)),
        ...(await sub.call(1, 'PUNSUBSCRIBE')),
        ...(await psub.call(1, 'PUNSUBSCRIBE')),
        ...(await pub.call(1, 'PUBLISH', 's2.news', 'gone')),
      ];
      for (const c of [sub, psub, pub]) c.close();
      return r;
    });
  });

  it('RESP3: confirmations and messages are pushes, and other commands run while subscribed', async () => {
    await same(async (port) => {
      const c = await Wire.open(port);
      await c.call(1, 'HELLO', '3');
      const r = [
        ...(await c.call(1, 'SUBSCRIBE', 's3.ch')),
        ...(await c.call(1, 'PSUBSCRIBE', 's3.*')),
        ...(await c.call(1, 'SET', 's3.key', 'v')),
        ...(await c.call(1, 'GET', 's3.key')),
        ...(await c.call(1, 'PING')),
        ...(await c.call(1, 'PING', 'hi')),
        // Published by the subscriber itself: the pushes come before PUBLISH's own reply.
        ...(await c.call(3, 'PUBLISH', 's3.ch', 'self')),
        ...(await c.call(1, 'PUBSUB', 'NUMSUB', 's3.ch')),
        ...(await c.call(1, 'UNSUBSCRIBE', 's3.none')),
        ...(await c.call(1, 'UNSUBSCRIBE')),
        ...(await c.call(1, 'PUNSUBSCRIBE')),
        ...(await c.call(1, 'PUNSUBSCRIBE')),
        ...(await c.call(1, 'DEL', 's3.key')),
      ];
      c.close();
      return r;
    });
  });

  it('RESP2 subscribed mode allows only (P)SUBSCRIBE, (P)UNSUBSCRIBE, PING, QUIT and RESET', async () => {
    const out = await same(async (port) => {
      const c = await Wire.open(port);
      const r = [
        ...(await c.call(1, 'SUBSCRIBE', 's4.ch')),
        ...(await c.call(1, 'GET', 's4.k')),
        ...(await c.call(1, 'SET', 's4.k', 'v')),
        ...(await c.call(1, 'CLIENT', 'LIST')),
        ...(await c.call(1, 'PUBSUB', 'NUMPAT')),
        ...(await c.call(1, 'PUBLISH', 's4.ch', 'x')),
        ...(await c.call(1, 'HELLO', '3')),
        ...(await c.call(1, 'ECHO')),
        ...(await c.call(1, 'NOSUCHCOMMAND', 'a')),
        ...(await c.call(1, 'PING')),
        ...(await c.call(1, 'PING', 'hello')),
        ...(await c.call(1, 'PING', 'a', 'b')),
        ...(await c.call(1, 'PSUBSCRIBE', 's4.*')),
        ...(await c.call(1, 'RESET')),
        ...(await c.call(1, 'PING')),
        ...(await c.call(1, 'GET', 's4.k')),
        ...(await c.call(1, 'PUBSUB', 'NUMSUB', 's4.ch')),
        ...(await c.call(1, 'SUBSCRIBE', 's4.ch')),
        ...(await c.call(1, 'QUIT')),
      ];
      c.close();
      return r;
    });
    expect(out[1]).toBe("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
    expect(out[3]).toContain("'client|list'");
    expect(out[9]).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
  });

  it('PUBSUB CHANNELS, NUMSUB, NUMPAT and their errors (RESP2 and RESP3)', async () => {
    await same(async (port) => {
      const a = await Wire.open(port);
      const b = await Wire.open(port);
      const q = await Wire.open(port);
      await a.call(3, 'SUBSCRIBE', 's5.one', 's5.two', 's5.x');
      await a.call(2, 'PSUBSCRIBE', 's5.*', 's5.?');
      await b.call(2, 'SUBSCRIBE', 's5.one', 'other5');
      await b.call(1, 'PSUBSCRIBE', 's5.*');
      const query = async (): Promise<string[]> => [
        ...(await q.call(1, 'PUBSUB', 'NUMSUB')),
        ...(await q.call(1, 'PUBSUB', 'NUMSUB', 's5.one', 's5.two', 'other5', 'nope', 's5.one')),
        ...(await q.call(1, 'PUBSUB', 'NUMPAT')),
        ...(await q.call(1, 'PUBSUB', 'CHANNELS', 's5.o*')),
        ...(await q.call(1, 'PUBSUB', 'CHANNELS', 'other*')),
        ...(await q.call(1, 'PUBSUB', 'CHANNELS', 'nothing*')),
        ...(await q.call(1, 'PUBSUB', 'channels', 'a', 'b')),
        ...(await q.call(1, 'PUBSUB', 'NUMPAT', 'x')),
        ...(await q.call(1, 'PUBSUB')),
        ...(await q.call(1, 'PUBSUB', 'NOSUCH')),
        ...(await q.call(1, 'PUBLISH', 'x')),
        ...(await q.call(1, 'SUBSCRIBE')),
      ];
      const r = await query();
      await q.call(1, 'HELLO', '3');
      r.push(...(await query()));
      await a.call(1, 'RESET');
      await b.call(1, 'RESET');
      r.push(...(await q.call(1, 'PUBSUB', 'NUMPAT')), ...(await q.call(1, 'PUBSUB', 'CHANNELS', 's5.*')));
      for (const c of [a, b, q]) c.close();
      return r;
    });
  });

  it('PUBSUB HELP lists the subcommands pikiraft has, in redis-server words', async () => {
    const lines = async (port: number): Promise<string[]> => {
      const c = await Wire.open(port);
      const [help] = await c.call(1, 'PUBSUB', 'HELP');
      c.close();
      return help!.split('\r\n').filter((l) => l.startsWith('+'));
    };
    const [ours, theirs] = [await lines(server.port), await lines(redis.port)];
    expect(ours[0]).toBe(theirs[0]);
    expect(ours.slice(-2)).toEqual(theirs.slice(-2));
    // redis-server also lists SHARDCHANNELS and SHARDNUMSUB (sharded pub/sub, not implemented).
    expect(theirs.filter((l) => !/SHARD|shard level/.test(l))).toEqual(ours);
  });

  it('CLIENT LIST shows the P flag and sub/psub counts; a closed subscriber leaves no trace', async () => {
    const fields = async (port: number): Promise<string[]> => {
      const c = await Wire.open(port);
      await c.call(1, 'HELLO', '3');
      await c.call(2, 'SUBSCRIBE', 's6.a', 's6.b');
      await c.call(1, 'PSUBSCRIBE', 's6.*');
      const [info] = await c.call(1, 'CLIENT', 'INFO');
      const q = await Wire.open(port);
      const before = await q.call(1, 'PUBSUB', 'NUMSUB', 's6.a');
      c.close();
      let after: string[] = [];
      for (let i = 0; i < 100; i++) {
        after = [...(await q.call(1, 'PUBSUB', 'NUMSUB', 's6.a')), ...(await q.call(1, 'PUBSUB', 'NUMPAT')), ...(await q.call(1, 'PUBSUB', 'CHANNELS', 's6.*'))];
        if (after[0]!.endsWith(':0\r\n')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const list = await q.call(1, 'CLIENT', 'LIST');
      q.close();
      const picked = /flags=(\S+) db=\d+ sub=(\d+) psub=(\d+)/.exec(info!)!.slice(1);
      return [...picked, ...before, ...after, String(list[0]!.match(/flags=P/g)?.length ?? 0)];
    };
    const ours = await fields(server.port);
    expect(ours).toEqual(await fields(redis.port));
    expect(ours.slice(0, 3)).toEqual(['P', '2', '1']);
  });
});
