// The wire protocol against a real server process, with raw sockets: pipelining, inline commands,
// protocol errors (Redis's texts, only the offending connection closes), big values, redis-cli.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { startServer, type ServerHandle } from '../helpers/server.js';

type Value = string | number | null | Buffer | Value[] | { error: string };

/** Parses one RESP2 reply at `pos`; null when incomplete. Bulk strings are returned as Buffers. */
function parseReply(buf: Buffer, pos: number): [Value, number] | null {
  if (pos >= buf.length) return null;
  const cr = buf.indexOf('\r\n', pos);
  if (cr === -1) return null;
  const line = buf.toString('latin1', pos + 1, cr);
  const next = cr + 2;
  switch (buf[pos]) {
    case 0x2b: // +
      return [line, next];
    case 0x2d: // -
      return [{ error: line }, next];
    case 0x3a: // :
      return [Number(line), next];
    case 0x24: {
      const n = Number(line);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return null;
      return [buf.subarray(next, next + n), next + n + 2];
    }
    case 0x2a: {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Value[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (!r) return null;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error(`unexpected reply byte ${buf[pos]} at ${pos}`);
  }
}

/** A raw client: write bytes, collect replies, see whether the server closed the connection. */
class RawClient {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private readonly replies: Value[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.pos === this.buf.length ? d : Buffer.concat([this.buf.subarray(this.pos), d]);
      this.pos = 0;
      for (;;) {
        const r = parseReply(this.buf, this.pos);
        if (!r) break;
        this.replies.push(r[0]);
        this.pos = r[1];
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Waits for `n` replies (or the close of the connection) and returns the replies so far. */
  async take(n: number): Promise<Value[]> {
    while (this.replies.length < n && !this.closed) await new Promise<void>((r) => this.waiters.push(r));
    return this.replies.splice(0, n);
  }

  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Bytes received that are not a complete reply. */
  get leftover(): number {
    return this.buf.length - this.pos;
  }

  close(): void {
    this.socket.destroy();
  }
}

const cmd = (...args: (string | Buffer)[]): Buffer => {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
};

const text = (v: Value): Value => (Buffer.isBuffer(v) ? v.toString('latin1') : v);

let server: ServerHandle;
const open: RawClient[] = [];
const client = async (): Promise<RawClient> => {
  const c = await RawClient.open(server.port);
  open.push(c);
  return c;
};

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const c of open) c.close();
  await server?.cleanup();
});

describe('pipelining', () => {
  it('10,000 commands in one write get 10,000 replies in order', async () => {
    const c = await client();
    const parts: Buffer[] = [];
    const expected: Value[] = [];
    for (let i = 0; i < 10_000; i++) {
      switch (i % 4) {
        case 0:
          parts.push(cmd('SET', `pipe:${i}`, `v${i}`));
          expected.push('OK');
          break;
        case 1:
          parts.push(cmd('GET', `pipe:${i - 1}`));
          expected.push(`v${i - 1}`);
          break;
        case 2:
          parts.push(cmd('PING'));
          expected.push('PONG');
          break;
        default:
          parts.push(cmd('ECHO', `e${i}`));
          expected.push(`e${i}`);
      }
    }
    c.write(Buffer.concat(parts));
    const replies = await c.take(10_000);
    expect(replies.map(text)).toEqual(expected);
    expect(c.leftover).toBe(0);
  });

  it('replies in order when reads and writes of the same key interleave', async () => {
    const c = await client();
    const parts: Buffer[] = [];
    const expected: Value[] = [];
    for (let i = 0; i < 500; i++) {
      parts.push(cmd('SET', 'seq', String(i)), cmd('GET', 'seq'));
      expected.push('OK', String(i));
    }
    c.write(Buffer.concat(parts));
    expect((await c.take(1000)).map(text)).toEqual(expected);
  });

  it('a pipeline split across many small writes', async () => {
    const c = await client();
    const bytes = Buffer.concat(Array.from({ length: 200 }, (_, i) => cmd('ECHO', `x${i}`)));
    for (let i = 0; i < bytes.length; i += 7) c.write(bytes.subarray(i, i + 7));
    expect((await c.take(200)).map(text)).toEqual(Array.from({ length: 200 }, (_, i) => `x${i}`));
  });
});

describe('inline commands', () => {
  it('PING, SET and GET inline, with quotes and escapes', async () => {
    const c = await client();
    c.write('PING\r\nSET inl "a b\\x41"\r\nGET inl\nECHO \'it\\\'s\'\r\n\r\n   \r\nPING hi\r\n');
    expect((await c.take(5)).map(text)).toEqual(['PONG', 'OK', 'a bA', "it's", 'hi']);
  });
});

describe('errors', () => {
  it('unknown command: exact Redis text with the trailing space', async () => {
    const c = await client();
    c.write(cmd('foo', 'a', 'b'));
    c.write('foo\r\n');
    expect(await c.take(2)).toEqual([
      { error: "ERR unknown command 'foo', with args beginning with: 'a' 'b' " },
      { error: "ERR unknown command 'foo', with args beginning with: " },
    ]);
    expect(c.closed).toBe(false);
  });

  it('wrong arity: exact Redis text, connection stays open', async () => {
    const c = await client();
    c.write(cmd('GET'));
    c.write(cmd('SET', 'a'));
    c.write(cmd('PING'));
    expect((await c.take(3)).map(text)).toEqual([
      { error: "ERR wrong number of arguments for 'get' command" },
      { error: "ERR wrong number of arguments for 'set' command" },
      'PONG',
    ]);
  });

  const protocolErrors: [string, string, string][] = [
    ['invalid multibulk length', '*abc\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['invalid bulk length', '*1\r\n$-5\r\n', 'ERR Protocol error: invalid bulk length'],
    ['bulk above proto-max-bulk-len', '*1\r\n$536870913\r\n', 'ERR Protocol error: invalid bulk length'],
    ["expected '$'", '*2\r\nx3\r\n', "ERR Protocol error: expected '$', got 'x'"],
    ['unbalanced quotes', 'SET "a b\r\n', 'ERR Protocol error: unbalanced quotes in request'],
    // One byte over the 64 KiB limit: the server has read all input when it closes (no reset).
    ['too big inline request', 'x'.repeat(64 * 1024 + 1), 'ERR Protocol error: too big inline request'],
    ['too big mbulk count string', `*${'1'.repeat(64 * 1024)}`, 'ERR Protocol error: too big mbulk count string'],
    ['too big bulk count string', `*1\r\n$${'1'.repeat(64 * 1024)}`, 'ERR Protocol error: too big bulk count string'],
  ];
  for (const [name, input, message] of protocolErrors) {
    it(`protocol error (${name}) replies with Redis's text and closes only that connection`, async () => {
      const bystander = await client();
      const c = await client();
      c.write(cmd('PING'));
      c.write(input);
      expect(await c.take(2)).toEqual(['PONG', { error: message }]);
      await c.waitClosed();
      bystander.write(cmd('ECHO', 'still here'));
      expect((await bystander.take(1)).map(text)).toEqual(['still here']);
      expect(bystander.closed).toBe(false);
    });
  }

  it('the error reply matches redis-server byte for byte for a CR/LF in the expected-$ position', async () => {
    const c = await client();
    c.write('*2\r\n$1\r\na\r\n\n$1\r\n');
    expect(await c.take(1)).toEqual([{ error: "ERR Protocol error: expected '$', got ' '" }]);
    await c.waitClosed();
  });
});

describe('large values and tools', () => {
  it('a 10 MB value round-trips', async () => {
    const c = await client();
    const value = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31 + 7) & 0xff;
    c.write(cmd('SET', 'big', value));
    c.write(cmd('GET', 'big'));
    const [ok, got] = await c.take(2);
    expect(ok).toBe('OK');
    expect(Buffer.isBuffer(got) && got.equals(value)).toBe(true);
  });

  it('redis-cli works for SET and GET', () => {
    const cli = (...args: string[]): string => execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(server.port), ...args], { encoding: 'utf8' }).trim();
    expect(cli('SET', 'cli:key', 'hello world')).toBe('OK');
    expect(cli('GET', 'cli:key')).toBe('hello world');
    expect(cli('PING')).toBe('PONG');
    expect(cli('GET', 'cli:missing')).toBe('');
  });
});
