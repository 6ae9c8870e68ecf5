// A minimal RESP2 client for the load generator: one socket, one outstanding request, replies
// parsed only as far as needed to know the request succeeded. ioredis would add its own queueing
// and promise bookkeeping to every request, which on a 2-core machine shared with the servers
// would cost the servers CPU; this keeps the client side cheap and comparable to etcd's client.
import { connect, type Socket } from 'node:net';

export type RespReply = { kind: 'simple' | 'error'; text: string } | { kind: 'integer'; value: number } | { kind: 'bulk'; value: Buffer | null };

export class RespClient {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: RespReply) => void; reject: (e: Error) => void } | null = null;
  private closedError: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static connect(host: string, port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new RespClient(s));
      });
      s.once('error', reject);
    });
  }

  /** Sends one command and resolves with its reply (an error reply resolves too, as kind 'error'). */
  command(args: readonly (string | Buffer)[]): Promise<RespReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.pending) return Promise.reject(new Error('RespClient allows one outstanding request'));
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = typeof a === 'string' ? Buffer.from(a) : a;
      parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
    }
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(Buffer.concat(parts));
    });
  }

  close(): void {
    this.closedError ??= new Error('client closed');
    this.socket.destroy();
  }

  private fail(e: Error): void {
    this.closedError ??= e;
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length === 0 ? d : Buffer.concat([this.buffer, d]);
    let parsed: { reply: RespReply; end: number } | null;
    try {
      parsed = parseReply(this.buffer);
    } catch (e) {
      this.fail(e as Error);
      this.socket.destroy();
      return;
    }
    if (parsed === null) return;
    this.buffer = this.buffer.subarray(parsed.end);
    const p = this.pending;
    this.pending = null;
    if (p) p.resolve(parsed.reply);
    else this.fail(new Error('reply without a request'));
  }
}

const CRLF = Buffer.from('\r\n');

/** Parses one non-aggregate reply at the start of `b`; null when it is not complete yet. */
export function parseReply(b: Buffer): { reply: RespReply; end: number } | null {
  const lineEnd = b.indexOf(CRLF);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(b[0]!);
  const line = b.toString('utf8', 1, lineEnd);
  switch (type) {
    case '+':
      return { reply: { kind: 'simple', text: line }, end: lineEnd + 2 };
    case '-':
      return { reply: { kind: 'error', text: line }, end: lineEnd + 2 };
    case ':':
      return { reply: { kind: 'integer', value: Number(line) }, end: lineEnd + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { reply: { kind: 'bulk', value: null }, end: lineEnd + 2 };
      const start = lineEnd + 2;
      if (b.length < start + len + 2) return null;
      return { reply: { kind: 'bulk', value: b.subarray(start, start + len) }, end: start + len + 2 };
    }
    default:
      // The benchmark sends only SET, GET and INFO; anything else means the stream is out of step.
      throw new Error(`unexpected RESP reply type '${type}'`);
  }
}
