// Incremental RESP request parser (multibulk and inline), following Redis 7.0's networking.c:
// same limits, same error texts. Pure: bytes in, commands out; never throws on bad input.
import { splitArgs } from './split-args.js';

export interface ParserLimits {
  /** proto-max-bulk-len: the largest bulk argument accepted. */
  readonly maxBulkBytes: number;
  /** client-query-buffer-limit: unparsed bytes a client may accumulate. */
  readonly maxQueryBufferBytes: number;
  /**
   * Whether the client still has to authenticate. Until it does, Redis accepts at most 10
   * arguments of at most 16 KiB each, so an unauthenticated peer cannot make it buffer much.
   */
  readonly authRequired?: () => boolean;
}

const UNAUTH_MAX_ARGS = 10;
const UNAUTH_MAX_BULK_BYTES = 16384;

/** Redis's PROTO_INLINE_MAX_SIZE: an inline request or a count line may not exceed this. */
export const INLINE_MAX_BYTES = 64 * 1024;
const INT_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// Redis sends these with addReplyError, which prefixes "ERR ".
const E_TOO_BIG_INLINE = 'ERR Protocol error: too big inline request';
const E_UNBALANCED = 'ERR Protocol error: unbalanced quotes in request';
const E_TOO_BIG_MBULK = 'ERR Protocol error: too big mbulk count string';
const E_TOO_BIG_BULK = 'ERR Protocol error: too big bulk count string';
const E_INVALID_MBULK = 'ERR Protocol error: invalid multibulk length';
const E_INVALID_BULK = 'ERR Protocol error: invalid bulk length';
const E_UNAUTH_MBULK = 'ERR Protocol error: unauthenticated multibulk length';
const E_UNAUTH_BULK = 'ERR Protocol error: unauthenticated bulk length';
/** Not a reply: Redis closes such a client silently and only logs this. */
export const QUERY_BUFFER_LIMIT_MESSAGE = 'closing client that reached max query buffer length';

export type ParseResult =
  | { readonly kind: 'command'; readonly argv: Buffer[]; readonly inline: boolean }
  /**
   * The connection must be closed. When `reply` is true, `message` is the error reply to send
   * first, with its `ERR` code, exactly as Redis sends it.
   */
  | { readonly kind: 'error'; readonly message: string; readonly reply: boolean }
  | { readonly kind: 'incomplete' };

const INCOMPLETE: ParseResult = { kind: 'incomplete' };

export class RespParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes needed before parsing can progress; lets large bulks arrive without re-copying. */
  private needBytes = 0;
  // Multibulk state carried across feeds.
  private multibulkLeft = 0;
  private bulkLen = -1;
  private argv: Buffer[] = [];
  private failed: ParseResult | null = null;

  constructor(private readonly limits: ParserLimits) {}

  /** Unparsed bytes held, for client-query-buffer accounting (CLIENT LIST qbuf). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  feed(chunk: Buffer): void {
    if (this.failed) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  /** Returns the next complete command, an error (the connection must then be closed), or incomplete. */
  next(): ParseResult {
    if (this.failed) return this.failed;
    if (this.bufferedBytes > this.limits.maxQueryBufferBytes) {
      return this.fail(QUERY_BUFFER_LIMIT_MESSAGE, false);
    }
    for (;;) {
      const result: ParseResult | null =
        this.pos >= this.buf.length
          ? INCOMPLETE
          : this.multibulkLeft > 0 || this.buf[this.pos] === 0x2a /* '*' */
            ? this.parseMultibulk()
            : this.parseInline();
      if (result === null) continue; // empty request: skip, as Redis does
      if (result.kind === 'incomplete') {
        if (this.pendingBytes > 0 && this.bufferedBytes >= this.needBytes) {
          this.absorbPending();
          continue;
        }
        return INCOMPLETE;
      }
      return result;
    }
  }

  private absorbPending(): void {
    const rest = this.buf.subarray(this.pos);
    this.buf = rest.length === 0 && this.pending.length === 1 ? this.pending[0]! : Buffer.concat([rest, ...this.pending]);
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.needBytes = 0;
  }

  private fail(message: string, reply = true): ParseResult {
    this.failed = { kind: 'error', message, reply };
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.argv = [];
    return this.failed;
  }

  // Size limits on lines are applied to the line itself, not to what one read happened to bring:
  // Redis checks only while the line end has not arrived, so a 70 KiB line may pass or fail there
  // depending on TCP segmentation. Here any line longer than the limit fails, however it arrives.

  private parseInline(): ParseResult | null {
    const nl = this.buf.indexOf(0x0a, this.pos);
    if (nl === -1 ? this.buf.length - this.pos > INLINE_MAX_BYTES : nl - this.pos > INLINE_MAX_BYTES) {
      return this.fail(E_TOO_BIG_INLINE);
    }
    if (nl === -1) return INCOMPLETE;
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === 0x0d) end--;
    const line = this.buf.subarray(this.pos, end);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) return this.fail(E_UNBALANCED);
    if (args.length === 0) return null;
    return { kind: 'command', argv: args, inline: true };
  }

  /**
   * Finds the '\r' ending a `<prefix><integer>\r\n` line, as Redis does (the byte after it is
   * skipped unchecked). Returns its index, INCOMPLETE (also while the '\r' is the last byte
   * buffered) or the too-big error.
   */
  private findCountLineEnd(tooBigMessage: string): number | ParseResult {
    const cr = this.buf.indexOf(0x0d, this.pos);
    if (cr === -1 ? this.buf.length - this.pos > INLINE_MAX_BYTES : cr - this.pos > INLINE_MAX_BYTES) {
      return this.fail(tooBigMessage);
    }
    if (cr === -1 || cr + 1 >= this.buf.length) return INCOMPLETE;
    return cr;
  }

  private parseMultibulk(): ParseResult | null {
    if (this.multibulkLeft === 0) {
      const cr = this.findCountLineEnd(E_TOO_BIG_MBULK);
      if (typeof cr !== 'number') return cr;
      const count = parseStrictInt(this.buf, this.pos + 1, cr);
      if (Number.isNaN(count) || count > INT_MAX) return this.fail(E_INVALID_MBULK);
      if (count > UNAUTH_MAX_ARGS && this.limits.authRequired?.()) return this.fail(E_UNAUTH_MBULK);
      this.pos = cr + 2;
      // *0 and negative counts are empty requests, skipped as Redis does.
      if (count <= 0) return null;
      this.multibulkLeft = count;
      this.argv = [];
    }
    while (this.multibulkLeft > 0) {
      if (this.bulkLen === -1) {
        if (this.pos >= this.buf.length) return INCOMPLETE;
        // Redis waits for the whole line before looking at its first byte.
        const cr = this.findCountLineEnd(E_TOO_BIG_BULK);
        if (typeof cr !== 'number') return cr;
        const first = this.buf[this.pos]!;
        if (first !== 0x24 /* '$' */) {
          // addReplyErrorFormat turns CR/LF into spaces; bytes go out as they are (latin1).
          const shown = first === 0x0d || first === 0x0a ? ' ' : String.fromCharCode(first);
          return this.fail(`ERR Protocol error: expected '$', got '${shown}'`);
        }
        const len = parseStrictInt(this.buf, this.pos + 1, cr);
        if (Number.isNaN(len) || len < 0 || len > this.limits.maxBulkBytes) return this.fail(E_INVALID_BULK);
        if (len > UNAUTH_MAX_BULK_BYTES && this.limits.authRequired?.()) return this.fail(E_UNAUTH_BULK);
        this.pos = cr + 2;
        this.bulkLen = len;
      }
      if (this.buf.length - this.pos < this.bulkLen + 2) {
        this.needBytes = this.bulkLen + 2;
        return INCOMPLETE;
      }
      // Large arguments are copied so a retained value does not pin the whole socket chunk.
      const arg = this.buf.subarray(this.pos, this.pos + this.bulkLen);
      this.argv.push(this.bulkLen >= 4096 ? Buffer.from(arg) : arg);
      this.pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.multibulkLeft--;
    }
    const argv = this.argv;
    this.argv = [];
    return { kind: 'command', argv, inline: false };
  }
}

/**
 * Redis's string2ll over buf[start, end): optional '-', digits, no leading zeros or '+', within
 * int64. NaN if invalid. Values beyond 2^53 are approximate, which is enough for the callers'
 * range checks.
 */
export function parseStrictInt(buf: Buffer, start: number, end: number): number {
  if (start >= end || end - start > 20) return NaN;
  let i = start;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i >= end) return NaN;
  }
  if (buf[i] === 0x30) return end - i === 1 && !negative ? 0 : NaN;
  let value = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) return NaN;
    value = value * 10 + (c - 0x30);
  }
  if (value >= 2 ** 53) {
    // Near the int64 bounds a double cannot tell an overflow apart; decide exactly.
    const exact = BigInt(buf.toString('latin1', start, end));
    if (exact < INT64_MIN || exact > INT64_MAX) return NaN;
  }
  return negative ? -value : value;
}
