import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../helpers/server.js';

const raw = (port: number, protocol: 2 | 3 = 2): Redis =>
  new Redis({ port, host: '127.0.0.1', enableReadyCheck: false, maxRetriesPerRequest: 0, lazyConnect: false, ...(protocol === 3 ? {} : {}) });

const fail = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error reply');
};

describe('connection and server commands', () => {
  let server: ServerHandle;
  let c: Redis;

  beforeAll(async () => {
    server = await startServer();
    c = raw(server.port);
  });
  afterAll(async () => {
    c?.disconnect();
    await server?.cleanup();
  });

  it('HELLO 3 switches to RESP3 and replies with a map (redis-cli -3)', () => {
    const out = execFileSync('redis-cli', ['-3', '-p', String(server.port), 'HELLO', '3']).toString();
    // redis-cli prints maps as "key value" lines when stdout is not a terminal.
    expect(out).toContain('server redis');
    expect(out).toContain('proto 3');
    const info = execFileSync('redis-cli', ['-3', '-p', String(server.port), 'GET', 'missing']).toString();
    expect(info.trim()).toBe(''); // redis-cli prints RESP3 null as an empty line when not on a terminal
  });

  it('HELLO errors match Redis', async () => {
    expect(await fail(c.call('HELLO', '4'))).toBe('NOPROTO unsupported protocol version');
    expect(await fail(c.call('HELLO', 'x'))).toBe('ERR Protocol version is not an integer or out of range');
    expect(await fail(c.call('HELLO', '2', 'FOO'))).toBe("ERR Syntax error in HELLO option 'FOO'");
  });

  it('CLIENT ID/SETNAME/GETNAME/INFO/LIST', async () => {
    const id = await c.call('CLIENT', 'ID');
    expect(typeof id).toBe('number');
    expect(await c.call('CLIENT', 'GETNAME')).toBeNull();
    expect(await c.call('CLIENT', 'SETNAME', 'worker-1')).toBe('OK');
    expect(await c.call('CLIENT', 'GETNAME')).toBe('worker-1');
    expect(await fail(c.call('CLIENT', 'SETNAME', 'a b'))).toBe('ERR Client names cannot contain spaces, newlines or special characters.');
    expect(String(await c.call('CLIENT', 'INFO'))).toMatch(new RegExp(`^id=${id} .*name=worker-1 `));
    expect(String(await c.call('CLIENT', 'LIST'))).toContain('name=worker-1');
    expect(await fail(c.call('CLIENT', 'NOPE'))).toBe("ERR unknown subcommand 'NOPE'. Try CLIENT HELP.");
    expect(await fail(c.call('CLIENT', 'SETNAME'))).toBe("ERR wrong number of arguments for 'client|setname' command");
  });

  it('CONFIG GET/SET with Redis errors, TIME, LASTSAVE, INFO', async () => {
    expect(await c.call('CONFIG', 'GET', 'maxclients')).toEqual(['maxclients', '10000']);
    expect(await c.call('CONFIG', 'SET', 'maxclients', '500', 'timeout', '30')).toBe('OK');
    expect(await c.call('CONFIG', 'GET', 'maxclients')).toEqual(['maxclients', '500']);
    expect(await fail(c.call('CONFIG', 'SET', 'nope', '1'))).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'nope'");
    expect(await fail(c.call('CONFIG', 'SET', 'port', '1'))).toMatch(/can't set immutable config/);
    const [sec, usec] = (await c.call('TIME')) as string[];
    expect(Math.abs(Number(sec) - Date.now() / 1000)).toBeLessThan(60);
    expect(Number(usec)).toBeLessThan(1_000_000);
    expect(typeof (await c.call('LASTSAVE'))).toBe('number');
    expect(String(await c.call('INFO', 'server'))).toContain(`tcp_port:${server.port}`);
  });

  it('INFO stats counts keyspace hits and misses of reads and expired keys; CONFIG RESETSTAT clears them', async () => {
    const stat = async (field: string): Promise<number> => {
      const m = new RegExp(`${field}:(\\d+)`).exec(String(await c.call('INFO', 'stats')));
      if (!m) throw new Error(`INFO stats has no ${field}`);
      return Number(m[1]);
    };
    expect(await c.call('CONFIG', 'RESETSTAT')).toBe('OK');
    expect([await stat('keyspace_hits'), await stat('keyspace_misses'), await stat('expired_keys')]).toEqual([0, 0, 0]);
    await c.call('SET', 'stats:k', 'v');
    await c.call('SET', 'stats:set-only', 'v'); // writes are no lookups
    await c.call('GET', 'stats:k');
    await c.call('GET', 'stats:k');
    await c.call('GET', 'stats:missing');
    expect([await stat('keyspace_hits'), await stat('keyspace_misses')]).toEqual([2, 1]);

    // The active expirer removes the key: one expired key, as Redis counts it.
    await c.call('SET', 'stats:short', 'v', 'PX', '1');
    const deadline = Date.now() + 10_000;
    while ((await stat('expired_keys')) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await stat('expired_keys')).toBe(1);
    await c.call('DEL', 'stats:k', 'stats:set-only');
  });

  it('CLIENT REPLY OFF/SKIP suppress replies; ON restores them', async () => {
    const sock = createConnection({ port: server.port, host: '127.0.0.1' });
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString()));
    await new Promise((r) => sock.once('connect', r));
    sock.write('CLIENT REPLY OFF\r\nSET r1 a\r\nCLIENT REPLY ON\r\nGET r1\r\nCLIENT REPLY SKIP\r\nGET r1\r\nECHO last\r\n');
    const deadline = Date.now() + 5000;
    while (!got.includes('last') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(got).toBe('+OK\r\n$1\r\na\r\n$4\r\nlast\r\n');
    sock.destroy();
  });

  it('CLIENT KILL by id and by address, with Redis errors', async () => {
    const victim = raw(server.port);
    const id = (await victim.call('CLIENT', 'ID')) as number;
    const closed = new Promise((r) => victim.once('close', r));
    expect(await c.call('CLIENT', 'KILL', 'ID', String(id))).toBe(1);
    await closed;
    expect(await c.call('CLIENT', 'KILL', 'ID', String(id))).toBe(0);
    expect(await fail(c.call('CLIENT', 'KILL', '127.0.0.1:1'))).toBe('ERR No such client');
    expect(await fail(c.call('CLIENT', 'KILL', 'ID', '0'))).toBe('ERR client-id should be greater than 0');
    expect(await fail(c.call('CLIENT', 'KILL', 'TYPE', 'bogus'))).toBe("ERR Unknown client type 'bogus'");
    expect(await c.call('CLIENT', 'NO-EVICT', 'on')).toBe('OK');
    expect(await fail(c.call('CLIENT', 'NO-EVICT', 'maybe'))).toBe('ERR syntax error');
    victim.disconnect();
  });

  it('RESET restores defaults', async () => {
    const r = raw(server.port);
    await r.call('SELECT', '3');
    expect(await r.call('RESET')).toBe('RESET');
    await r.call('SET', 'reset-key', 'v');
    expect(await raw(server.port).call('GET', 'reset-key')).toBe('v');
    r.disconnect();
  });
});

describe('requirepass', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await startServer({ args: ['--requirepass', 's3cret'] });
  });
  afterAll(async () => server?.cleanup());

  it('refuses commands until AUTH, accepts AUTH and HELLO AUTH', async () => {
    const cli = (...args: string[]): string => execFileSync('redis-cli', ['--no-auth-warning', '-p', String(server.port), ...args]).toString().trim();
    expect(cli('GET', 'k')).toBe('NOAUTH Authentication required.');
    expect(cli('AUTH', 'wrong')).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    expect(cli('-a', 's3cret', 'SET', 'k', 'v')).toBe('OK');
    const c = new Redis({ port: server.port, host: '127.0.0.1', password: 's3cret', maxRetriesPerRequest: 0 });
    expect(await c.call('GET', 'k')).toBe('v');
    expect(cli('HELLO', '2', 'AUTH', 'default', 's3cret')).toContain('proto\n2');
    c.disconnect();
  });

  it('limits what an unauthenticated client may send, as Redis does, and lifts it after AUTH', async () => {
    const send = (payload: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = createConnection(server.port, '127.0.0.1');
        let got = '';
        s.on('data', (d) => (got += d.toString('latin1')));
        s.on('close', () => resolve(got));
        s.on('error', reject);
        s.write(payload);
        setTimeout(() => s.end(), 300);
      });
    const eleven = `*11\r\n${'$1\r\na\r\n'.repeat(11)}`;
    expect(await send(eleven)).toBe('-ERR Protocol error: unauthenticated multibulk length\r\n');
    expect(await send('*2\r\n$4\r\nECHO\r\n$20000\r\n')).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
    const auth = '*2\r\n$4\r\nAUTH\r\n$6\r\ns3cret\r\n';
    const big = 'y'.repeat(20000);
    expect(await send(`${auth}*2\r\n$4\r\nECHO\r\n$20000\r\n${big}\r\n`)).toBe(`+OK\r\n$20000\r\n${big}\r\n`);
  });
});

describe('SHUTDOWN', () => {
  it('stops the server cleanly with exit code 0 and keeps the data', async () => {
    const server = await startServer();
    const c = raw(server.port);
    await c.call('SET', 'kept', '1');
    c.call('SHUTDOWN').catch(() => undefined);
    const code = await new Promise<number | null>((r) => server.process.once('exit', (x) => r(x)));
    expect(code).toBe(0);
    c.disconnect();
    const again = await startServer({ dir: server.dir });
    expect(await raw(again.port).call('GET', 'kept')).toBe('1');
    await again.cleanup();
    await server.cleanup();
  });
});
