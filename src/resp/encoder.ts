// Renders Reply values as RESP2 or RESP3 bytes. Pure: values in, buffers out.
import type { Reply } from './reply.js';
import { formatDouble } from './double.js';

export type ProtocolVersion = 2 | 3;

const CRLF = '\r\n';

/**
 * Appends the encoding of `reply` to `out`. Text is accumulated as strings and buffers are kept
 * by reference, so a pipeline of replies becomes one Buffer.concat (see `encodeReplies`).
 */
export function encodeReply(reply: Reply, proto: ProtocolVersion, out: (string | Buffer)[]): void {
  switch (reply.t) {
    case 'simple':
      out.push(`+${oneLine(reply.s)}${CRLF}`);
      return;
    case 'error':
      out.push(`-${oneLine(reply.s)}${CRLF}`);
      return;
    case 'int':
      out.push(`:${reply.n}${CRLF}`);
      return;
    case 'bulk':
      encodeBulk(reply.b, out);
      return;
    case 'null':
      out.push(proto === 3 ? `_${CRLF}` : `$-1${CRLF}`);
      return;
    case 'nullArray':
      out.push(proto === 3 ? `_${CRLF}` : `*-1${CRLF}`);
      return;
    case 'array':
      encodeAggregate('*', reply.items, proto, out);
      return;
    case 'set':
      encodeAggregate(proto === 3 ? '~' : '*', reply.items, proto, out);
      return;
    case 'push':
      encodeAggregate(proto === 3 ? '>' : '*', reply.items, proto, out);
      return;
    case 'pairs':
      out.push(`*${proto === 3 ? reply.entries.length : reply.entries.length * 2}${CRLF}`);
      for (const [a, b] of reply.entries) {
        if (proto === 3) out.push(`*2${CRLF}`);
        encodeReply(a, proto, out);
        encodeReply(b, proto, out);
      }
      return;
    case 'mapOfPairs':
      out.push(proto === 3 ? `%${reply.entries.length}${CRLF}` : `*${reply.entries.length}${CRLF}`);
      for (const [k, v] of reply.entries) {
        if (proto === 2) out.push(`*2${CRLF}`);
        encodeReply(k, proto, out);
        encodeReply(v, proto, out);
      }
      return;
    case 'map':
      if (proto === 3) {
        out.push(`%${reply.entries.length}${CRLF}`);
      } else {
        out.push(`*${reply.entries.length * 2}${CRLF}`);
      }
      for (const [k, v] of reply.entries) {
        encodeReply(k, proto, out);
        encodeReply(v, proto, out);
      }
      return;
    case 'double': {
      const text = formatDouble(reply.n);
      if (proto === 3) out.push(`,${text}${CRLF}`);
      else out.push(`$${text.length}${CRLF}${text}${CRLF}`);
      return;
    }
    case 'doubleText':
      if (proto === 3) out.push(`,${reply.s}${CRLF}`);
      else out.push(`$${reply.s.length}${CRLF}${reply.s}${CRLF}`);
      return;
    case 'bool':
      out.push(proto === 3 ? (reply.v ? `#t${CRLF}` : `#f${CRLF}`) : reply.v ? `:1${CRLF}` : `:0${CRLF}`);
      return;
    case 'verbatim': {
      if (proto === 3) {
        const bytes = Buffer.from(`txt:${reply.s}`, 'utf8');
        out.push(`=${bytes.length}${CRLF}`, bytes, CRLF);
      } else {
        encodeBulk(reply.s, out);
      }
      return;
    }
    case 'none':
      return;
  }
}

const LINE_BREAK = /[\r\n]/g;

/**
 * A CR or LF inside a simple string or error would end the line early and desynchronize the
 * client; Redis's addReplyErrorFormat maps them to spaces, and so does every line reply here.
 */
function oneLine(s: string): string {
  return s.includes('\r') || s.includes('\n') ? s.replace(LINE_BREAK, ' ') : s;
}

function encodeBulk(b: Buffer | string, out: (string | Buffer)[]): void {
  if (typeof b === 'string') b = Buffer.from(b, 'utf8');
  if (b.length < 1024) {
    // Small values: one latin1 string is cheaper than three chunks; latin1 maps bytes 1:1.
    out.push(`$${b.length}${CRLF}${b.toString('latin1')}${CRLF}`);
  } else {
    out.push(`$${b.length}${CRLF}`, b, CRLF);
  }
}

function encodeAggregate(
  prefix: string,
  items: readonly Reply[],
  proto: ProtocolVersion,
  out: (string | Buffer)[],
): void {
  out.push(`${prefix}${items.length}${CRLF}`);
  for (const item of items) encodeReply(item, proto, out);
}

/** Joins encoded chunks into one buffer. Strings hold only latin1-safe text or latin1-decoded bytes. */
export function chunksToBuffer(chunks: readonly (string | Buffer)[]): Buffer {
  const buffers: Buffer[] = [];
  let text = '';
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      text += chunk;
    } else {
      if (text.length > 0) {
        buffers.push(textToBuffer(text));
        text = '';
      }
      buffers.push(chunk);
    }
  }
  if (text.length > 0) buffers.push(textToBuffer(text));
  return buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers);
}

// Every string chunk is a byte string: protocol text is ASCII, simple/error strings carry bytes
// decoded as latin1 (see bytesToText), and string bulks were converted to UTF-8 bytes first.
function textToBuffer(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

export function encodeReplies(replies: readonly Reply[], proto: ProtocolVersion): Buffer {
  const out: (string | Buffer)[] = [];
  for (const r of replies) encodeReply(r, proto, out);
  return chunksToBuffer(out);
}
