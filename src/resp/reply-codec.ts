// Reply values ⇄ a compact binary form, so a reply computed on one node (the leader executing a
// forwarded command) is re-rendered on another in the protocol of the client that asked (RESP2/3).
// Layout: a tag byte, then per tag: u32 length + bytes (strings), f64, i64-as-text, or u32 count
// followed by nested replies.
import type { Reply } from './reply.js';

const TAGS = ['simple', 'error', 'int', 'bulk', 'null', 'nullArray', 'array', 'map', 'set', 'double', 'bool', 'verbatim', 'push', 'none', 'pairs', 'doubleText', 'mapOfPairs'] as const;
const TAG_CODE = new Map<Reply['t'], number>(TAGS.map((t, i) => [t, i]));

class Writer {
  private chunks: Buffer[] = [];
  u8(n: number): void {
    const b = Buffer.allocUnsafe(1);
    b[0] = n;
    this.chunks.push(b);
  }
  u32(n: number): void {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(n);
    this.chunks.push(b);
  }
  bytes(b: Buffer): void {
    this.u32(b.length);
    this.chunks.push(b);
  }
  f64(n: number): void {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleLE(n);
    this.chunks.push(b);
  }
  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function write(w: Writer, r: Reply): void {
  w.u8(TAG_CODE.get(r.t)!);
  switch (r.t) {
    case 'simple':
    case 'error':
      // These strings hold latin1-decoded bytes (see encoder.ts), so latin1 round-trips them.
      w.bytes(Buffer.from(r.s, 'latin1'));
      return;
    case 'doubleText':
      w.bytes(Buffer.from(r.s, 'latin1'));
      return;
    case 'verbatim':
      w.bytes(Buffer.from(r.s, 'utf8'));
      return;
    case 'int':
      w.bytes(Buffer.from(String(r.n), 'latin1'));
      return;
    case 'bulk':
      w.bytes(typeof r.b === 'string' ? Buffer.from(r.b, 'utf8') : r.b);
      return;
    case 'double':
      w.f64(r.n);
      return;
    case 'bool':
      w.u8(r.v ? 1 : 0);
      return;
    case 'array':
    case 'set':
    case 'push':
      w.u32(r.items.length);
      for (const item of r.items) write(w, item);
      return;
    case 'map':
    case 'pairs':
    case 'mapOfPairs':
      w.u32(r.entries.length);
      for (const [k, v] of r.entries) {
        write(w, k);
        write(w, v);
      }
      return;
    case 'null':
    case 'nullArray':
    case 'none':
      return;
  }
}

export function encodeReplyBinary(reply: Reply): Buffer {
  const w = new Writer();
  write(w, reply);
  return w.finish();
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error('truncated reply encoding');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u32(): number {
    this.need(4);
    const n = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return n;
  }
  bytes(): Buffer {
    const n = this.u32();
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  f64(): number {
    this.need(8);
    const n = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return n;
  }
}

function read(r: Reader, depth: number): Reply {
  if (depth > 64) throw new Error('reply encoding nested too deeply');
  const t = TAGS[r.u8()];
  switch (t) {
    case 'simple':
    case 'error':
      return { t, s: r.bytes().toString('latin1') };
    case 'doubleText':
      return { t, s: r.bytes().toString('latin1') };
    case 'verbatim':
      return { t, s: r.bytes().toString('utf8') };
    case 'int': {
      const text = r.bytes().toString('latin1');
      const n = BigInt(text);
      return { t, n: Number.isSafeInteger(Number(n)) ? Number(n) : n };
    }
    case 'bulk':
      return { t, b: Buffer.from(r.bytes()) };
    case 'double':
      return { t, n: r.f64() };
    case 'bool':
      return { t, v: r.u8() === 1 };
    case 'array':
    case 'set':
    case 'push': {
      const n = r.u32();
      const items: Reply[] = [];
      for (let i = 0; i < n; i++) items.push(read(r, depth + 1));
      return { t, items };
    }
    case 'map':
    case 'pairs':
    case 'mapOfPairs': {
      const n = r.u32();
      const entries: [Reply, Reply][] = [];
      for (let i = 0; i < n; i++) entries.push([read(r, depth + 1), read(r, depth + 1)]);
      return { t, entries };
    }
    case 'null':
    case 'nullArray':
    case 'none':
      return { t };
    case undefined:
      throw new Error('unknown reply tag');
  }
}

/** Throws on malformed input (a peer bug): the caller turns that into an error reply. */
export function decodeReplyBinary(bytes: Uint8Array): Reply {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = new Reader(buf);
  const reply = read(r, 0);
  if (r.pos !== buf.length) throw new Error('trailing bytes after reply encoding');
  return reply;
}
