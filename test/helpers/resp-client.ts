// A raw RESP2/RESP3 client for tests that compare reply shapes: it keeps every type distinction
// (set vs array, map, simple vs bulk, null) that ioredis flattens, and the raw bytes of each reply.
import { connect, type Socket } from 'node:net';

export type RespValue =
  | { readonly t: 'simple' | 'error' | 'bulk' | 'verbatim' | 'bignum'; readonly s: string }
  | { readonly t: 'int'; readonly n: bigint }
  | { readonly t: 'double'; readonly s: string }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'null' }
  | { readonly t: 'array' | 'set' | 'push'; readonly items: readonly RespValue[] }
  | { readonly t: 'map' | 'attribute'; readonly entries: readonly (readonly [RespValue, RespValue])[] };

export interface Reply {
  readonly value: RespValue;
  /** The reply's bytes as sent (latin1). */
  readonly raw: string;
}

const AGGREGATE_LIMIT = 1_000_000;

/** Parses one reply at `pos`; null when the buffer does not hold all of it yet. */
export function parseReply(buf: Buffer, pos: number): { value: RespValue; end: number } | null {
  const eol = buf.indexOf('\r\n', pos, 'latin1');
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString('latin1', pos + 1, eol);
  const next = eol + 2;
  const aggregate = (n: number, t: 'array' | 'set' | 'push'): { value: RespValue; end: number } | null => {
    if (n > AGGREGATE_LIMIT) throw new Error(`aggregate of ${n} elements`);
    const items: RespValue[] = [];
    let at = next;
    for (let i = 0; i < n; i++) {
      const r = parseReply(buf, at);
      if (r === null) return null;
      items.push(r.value);
      at = r.end;
    }
    return { value: { t, items }, end: at };
  };
  switch (type) {
    case '+':
      return { value: { t: 'simple', s: line }, end: next };
    case '-':
      return { value: { t: 'error', s: line }, end: next };
    case ':':
      return { value: { t: 'int', n: BigInt(line) }, end: next };
    case ',':
      return { value: { t: 'double', s: line }, end: next };
    case '(':
      return { value: { t: 'bignum', s: line }, end: next };
    case '#':
      return { value: { t: 'bool', v: line === 't' }, end: next };
    case '_':
      return { value: { t: 'null' }, end: next };
    case '$':
    case '=': {
      const len = Number(line);
      if (len < 0) return { value: { t: 'null' }, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: { t: type === '$' ? 'bulk' : 'verbatim', s: buf.toString('latin1', next, next + len) }, end: next + len + 2 };
    }
    case '*':
    case '~':
    case '>': {
      const n = Number(line);
      if (n < 0) return { value: { t: 'null' }, end: next };
      return aggregate(n, type === '*' ? 'array' : type === '~' ? 'set' : 'push');
    }
    case '%':
    case '|': {
      const flat = aggregate(Number(line) * 2, 'array');
      if (flat === null) return null;
      const items = (flat.value as { items: readonly RespValue[] }).items;
      const entries: [RespValue, RespValue][] = [];
      for (let i = 0; i < items.length; i += 2) entries.push([items[i]!, items[i + 1]!]);
      return { value: { t: type === '%' ? 'map' : 'attribute', entries }, end: flat.end };
    }
    default:
      throw new Error(`unexpected reply type byte ${JSON.stringify(type)}`);
  }
}

function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export class RespClient {
  private buf = Buffer.alloc(0);
  private readonly waiting: ((r: Reply) => void)[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  static connect(port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RespClient(s)));
      s.once('error', reject);
    });
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const r = parseReply(this.buf, 0);
      if (r === null) return;
      const raw = this.buf.toString('latin1', 0, r.end);
      this.buf = this.buf.subarray(r.end);
      this.waiting.shift()!({ value: r.value, raw });
    }
  }

  /** Sends one command and resolves with its reply. */
  call(...args: (string | Buffer)[]): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const p = new Promise<Reply>((resolve) => this.waiting.push(resolve));
    this.socket.write(encodeCommand(args));
    this.drain();
    return p;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Map entries by their (string) key, for reading maps in tests. */
export function entriesOf(v: RespValue): Map<string, RespValue> {
  if (v.t !== 'map') throw new Error(`expected a map, got ${v.t}`);
  return new Map(v.entries.map(([k, val]) => [textOf(k), val]));
}

export function itemsOf(v: RespValue): readonly RespValue[] {
  if (v.t !== 'array' && v.t !== 'set' && v.t !== 'push') throw new Error(`expected an aggregate, got ${v.t}`);
  return v.items;
}

export function textOf(v: RespValue): string {
  if (v.t === 'simple' || v.t === 'bulk' || v.t === 'verbatim' || v.t === 'error') return v.s;
  throw new Error(`expected a string, got ${v.t}`);
}

export function intOf(v: RespValue): number {
  if (v.t !== 'int') throw new Error(`expected an integer, got ${v.t}`);
  return Number(v.n);
}
