// Configured limits, compared with redis-server 7.0 under the same settings:
// proto-max-bulk-len and client-query-buffer-limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

const MiB = 1024 * 1024;

/** Writes `input` (ignoring write errors once the server closes) and returns every byte until close. */
function exchange(port: number, input: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(input, () => undefined));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', () => undefined);
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

const QUIT = '*1\r\n$4\r\nQUIT\r\n';

/** A pikiraft and a redis-server started with the same extra arguments. */
function pair(args: string[]): { pikiraft: () => ServerHandle; redis: () => RedisHandle } {
  let p: ServerHandle;
  let r: RedisHandle;
  beforeAll(async () => {
    [p, r] = await Promise.all([startServer({ args }), startRedis(args)]);
  });
  afterAll(async () => {
    await Promise.all([p?.cleanup(), r?.stop()]);
  });
  return { pikiraft: () => p, redis: () => r };
}

describe('proto-max-bulk-len 1mb', () => {
  const servers = pair(['--proto-max-bulk-len', '1mb']);

  it('a bulk of exactly proto-max-bulk-len is accepted', async () => {
    const input = Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nmax\r\n$${MiB}\r\n`), Buffer.alloc(MiB, 0x62), Buffer.from(`\r\n${QUIT}`)]);
    const [ours, theirs] = await Promise.all([exchange(servers.pikiraft().port, input), exchange(servers.redis().port, input)]);
    expect(ours).toBe('+OK\r\n+OK\r\n');
    expect(ours).toBe(theirs);
  });

  it('one byte more is an invalid bulk length', async () => {
    const input = Buffer.from(`*2\r\n$4\r\nECHO\r\n$${MiB + 1}\r\n`);
    const [ours, theirs] = await Promise.all([exchange(servers.pikiraft().port, input), exchange(servers.redis().port, input)]);
    expect(ours).toBe('-ERR Protocol error: invalid bulk length\r\n');
    expect(ours).toBe(theirs);
  });
});

describe('client-query-buffer-limit 1mb', () => {
  const servers = pair(['--client-query-buffer-limit', '1mb']);

  it('a client whose unparsed request exceeds the limit is closed without a reply; others keep working', async () => {
    // A 3 MB argument of which 2 MB arrive: the request can never complete within the limit.
    const input = Buffer.concat([Buffer.from('*2\r\n$4\r\nECHO\r\n$3000000\r\n'), Buffer.alloc(2_000_000, 0x61)]);
    const [ours, theirs] = await Promise.all([exchange(servers.pikiraft().port, input), exchange(servers.redis().port, input)]);
    expect(ours).toBe('');
    expect(ours).toBe(theirs);
    expect(await exchange(servers.pikiraft().port, Buffer.from(`PING\r\n${QUIT}`))).toBe('+PONG\r\n+OK\r\n');
  });

  it('a request just under the limit is served', async () => {
    const len = 900_000;
    const input = Buffer.concat([Buffer.from(`*2\r\n$4\r\nECHO\r\n$${len}\r\n`), Buffer.alloc(len, 0x63), Buffer.from(`\r\n${QUIT}`)]);
    const [ours, theirs] = await Promise.all([exchange(servers.pikiraft().port, input), exchange(servers.redis().port, input)]);
    expect(ours.startsWith(`$${len}\r\n`)).toBe(true);
    expect(ours).toBe(theirs);
  });
});
