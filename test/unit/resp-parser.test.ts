// RespParser against Redis 7.0's networking.c: multibulk, inline, limits and exact error texts.
import { describe, expect, it } from 'vitest';
import { INLINE_MAX_BYTES, QUERY_BUFFER_LIMIT_MESSAGE, RespParser, type ParseResult } from '../../src/resp/parser.js';

const LIMITS = { maxBulkBytes: 512 * 1024 * 1024, maxQueryBufferBytes: 1024 * 1024 * 1024 };

/** Feeds `input` (whole) and drains every result until incomplete or an error. */
function parseAll(input: string | Buffer, limits = LIMITS): ParseResult[] {
  const p = new RespParser(limits);
  p.feed(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
  const out: ParseResult[] = [];
  for (;;) {
    const r = p.next();
    out.push(r);
    if (r.kind !== 'command') return out;
  }
}

/** The commands as latin1 strings, then the final state ('incomplete' or the error message). */
function summary(input: string | Buffer, limits = LIMITS): (string[] | string)[] {
  return parseAll(input, limits).map((r) =>
    r.kind === 'command' ? r.argv.map((a) => a.toString('latin1')) : r.kind === 'error' ? r.message : 'incomplete',
  );
}

describe('multibulk requests', () => {
  it('parses a complete command', () => {
    expect(summary('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$5\r\nhello\r\n')).toEqual([['SET', 'a', 'hello'], 'incomplete']);
  });

  it('parses several pipelined commands from one chunk', () => {
    expect(summary('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n')).toEqual([['PING'], ['ECHO', 'hi'], 'incomplete']);
  });

  it('keeps binary arguments intact, including CR, LF and NUL', () => {
    const r = parseAll(Buffer.from('*2\r\n$4\r\nECHO\r\n$5\r\na\r\n\0\xff\r\n', 'latin1'))[0]!;
    expect(r.kind).toBe('command');
    if (r.kind === 'command') {
      expect(r.argv[1]).toEqual(Buffer.from([0x61, 0x0d, 0x0a, 0x00, 0xff]));
      expect(r.inline).toBe(false);
    }
  });

  it('accepts empty bulk arguments', () => {
    expect(summary('*2\r\n$4\r\nECHO\r\n$0\r\n\r\n')).toEqual([['ECHO', ''], 'incomplete']);
  });

  it('skips *0 and *-1 as empty requests', () => {
    expect(summary('*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n')).toEqual([['PING'], 'incomplete']);
  });

  it('waits for every part of a command', () => {
    const p = new RespParser(LIMITS);
    const parts = ['*', '2\r', '\n$4', '\r\nECHO\r\n$', '3\r\nab', 'c\r', '\n'];
    const kinds: string[] = [];
    for (const part of parts) {
      p.feed(Buffer.from(part));
      kinds.push(p.next().kind);
    }
    expect(kinds).toEqual(['incomplete', 'incomplete', 'incomplete', 'incomplete', 'incomplete', 'incomplete', 'command']);
  });

  it('receives a large bulk in many small chunks', () => {
    const value = Buffer.alloc(1024 * 1024, 0x78);
    const whole = Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n`), value, Buffer.from('\r\n')]);
    const p = new RespParser(LIMITS);
    let result: ParseResult = { kind: 'incomplete' };
    for (let i = 0; i < whole.length; i += 1000) {
      p.feed(whole.subarray(i, i + 1000));
      result = p.next();
      if (i + 1000 < whole.length) expect(result.kind).toBe('incomplete');
    }
    expect(result.kind).toBe('command');
    if (result.kind === 'command') expect(result.argv[2]!.equals(value)).toBe(true);
    expect(p.bufferedBytes).toBe(0);
  });

  it('does not check the bytes after a length line or a bulk (Redis skips two bytes)', () => {
    expect(summary('*1\rX$4\rXPINGXX')).toEqual([['PING'], 'incomplete']);
  });

  it('accepts the largest bulk allowed and refuses one byte more', () => {
    const limits = { maxBulkBytes: 10, maxQueryBufferBytes: 1 << 20 };
    expect(summary('*1\r\n$10\r\n0123456789\r\n', limits)).toEqual([['0123456789'], 'incomplete']);
    expect(summary('*1\r\n$11\r\n', limits)).toEqual(['ERR Protocol error: invalid bulk length']);
  });
});

describe('multibulk protocol errors (exact Redis texts)', () => {
  const cases: [string, string, string][] = [
    ['not a number', '*abc\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['leading +', '*+1\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['leading zero', '*01\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['-0', '*-0\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['empty count', '*\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['above INT_MAX', '*2147483648\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['below int64', '*-9223372036854775809\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['int64 overflow', '*-9999999999999999999\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['LF only', '*1\n$4\r\nPING\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['expected $', '*2\r\nx3\r\n', "ERR Protocol error: expected '$', got 'x'"],
    ['expected $ after an argument', '*2\r\n$4\r\nECHO\r\n:1\r\n', "ERR Protocol error: expected '$', got ':'"],
    ['negative bulk length', '*1\r\n$-5\r\n', 'ERR Protocol error: invalid bulk length'],
    ['$-1 in a request', '*1\r\n$-1\r\n', 'ERR Protocol error: invalid bulk length'],
    ['bulk -0', '*1\r\n$-0\r\n', 'ERR Protocol error: invalid bulk length'],
    ['bulk not a number', '*1\r\n$x\r\n', 'ERR Protocol error: invalid bulk length'],
    ['bulk above proto-max-bulk-len', '*1\r\n$536870913\r\n', 'ERR Protocol error: invalid bulk length'],
  ];
  for (const [name, input, message] of cases) {
    it(name, () => {
      expect(summary(input)).toEqual([message]);
      const r = parseAll(input).at(-1)!;
      expect(r.kind === 'error' && r.reply).toBe(true);
    });
  }

  it('accepts the most negative int64 count as an empty request', () => {
    expect(summary('*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n')).toEqual([['PING'], 'incomplete']);
  });

  it("shows CR or LF in 'expected $' as a space, as addReplyErrorFormat does", () => {
    expect(summary('*2\r\n$1\r\na\r\n\n$1\r\n')).toEqual(["ERR Protocol error: expected '$', got ' '"]);
  });

  it("waits for the whole line before 'expected $' (Redis checks the line end first)", () => {
    expect(summary('*2\r\nx3')).toEqual(['incomplete']);
    expect(summary('*2\r\nx3\r')).toEqual(['incomplete']);
    expect(summary('*2\r\nx3\r\n')).toEqual(["ERR Protocol error: expected '$', got 'x'"]);
  });

  it('too big mbulk count string: a count line longer than 64 KiB', () => {
    expect(summary(`*${'1'.repeat(INLINE_MAX_BYTES)}`)).toEqual(['ERR Protocol error: too big mbulk count string']);
    expect(summary(`*${'1'.repeat(INLINE_MAX_BYTES - 1)}`)).toEqual(['incomplete']);
  });

  it('too big bulk count string: a bulk length line longer than 64 KiB', () => {
    expect(summary(`*1\r\n$${'1'.repeat(INLINE_MAX_BYTES)}`)).toEqual(['ERR Protocol error: too big bulk count string']);
    expect(summary(`*1\r\n${'x'.repeat(INLINE_MAX_BYTES + 1)}`)).toEqual(['ERR Protocol error: too big bulk count string']);
  });

  it('replies to the commands before the error, then only the error', () => {
    expect(summary('*1\r\n$4\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n')).toEqual([['PING'], 'ERR Protocol error: invalid multibulk length']);
  });

  it('stays failed: further input is ignored', () => {
    const p = new RespParser(LIMITS);
    p.feed(Buffer.from('*x\r\n'));
    expect(p.next().kind).toBe('error');
    p.feed(Buffer.from('*1\r\n$4\r\nPING\r\n'));
    expect(p.next().kind).toBe('error');
    expect(p.bufferedBytes).toBe(0);
  });
});

describe('inline requests', () => {
  it('parses simple inline commands with CRLF or LF', () => {
    expect(summary('PING\r\nSET a b\nGET a\r\n')).toEqual([['PING'], ['SET', 'a', 'b'], ['GET', 'a'], 'incomplete']);
    expect(parseAll('PING\r\n')[0]).toMatchObject({ kind: 'command', inline: true });
  });

  it('skips empty and blank lines', () => {
    expect(summary('\r\n\n   \r\n\t\r\nPING\r\n')).toEqual([['PING'], 'incomplete']);
  });

  it('splits on runs of spaces and tabs', () => {
    expect(summary('  SET   a \t b  \r\n')).toEqual([['SET', 'a', 'b'], 'incomplete']);
  });

  it('decodes double-quoted escapes', () => {
    expect(summary('ECHO "a\\x41\\n"\r\n')).toEqual([['ECHO', 'aA\n'], 'incomplete']);
    expect(summary('ECHO "\\t\\r\\b\\a\\\\\\"\\q"\r\n')).toEqual([['ECHO', '\t\r\b\x07\\"q'], 'incomplete']);
    expect(summary('ECHO "\\x4g"\r\n')).toEqual([['ECHO', 'x4g'], 'incomplete']);
    expect(summary('ECHO "a b" c\r\n')).toEqual([['ECHO', 'a b', 'c'], 'incomplete']);
  });

  it('decodes single quotes: only \\\' is an escape', () => {
    expect(summary("ECHO 'it\\'s'\r\n")).toEqual([['ECHO', "it's"], 'incomplete']);
    expect(summary("ECHO 'a\\nb'\r\n")).toEqual([['ECHO', 'a\\nb'], 'incomplete']);
  });

  it('accepts empty quoted arguments and quotes inside a token', () => {
    expect(summary('ECHO ""\r\n')).toEqual([['ECHO', ''], 'incomplete']);
    expect(summary('ECHO a"b c"\r\n')).toEqual([['ECHO', 'ab c'], 'incomplete']);
  });

  it('unbalanced quotes close the connection with Redis text', () => {
    const message = 'ERR Protocol error: unbalanced quotes in request';
    expect(summary('SET "a b\r\n')).toEqual([message]);
    expect(summary("SET 'a b\r\n")).toEqual([message]);
    expect(summary('ECHO "a"b\r\n')).toEqual([message]);
    expect(summary("ECHO 'a'b\r\n")).toEqual([message]);
  });

  it('too big inline request: more than 64 KiB without a newline', () => {
    expect(summary(`SET a ${'x'.repeat(INLINE_MAX_BYTES)}`)).toEqual(['ERR Protocol error: too big inline request']);
    expect(summary('x'.repeat(INLINE_MAX_BYTES))).toEqual(['incomplete']);
  });

  it('a line longer than 64 KiB fails even when its newline arrived in the same chunk', () => {
    expect(summary(`${'x'.repeat(INLINE_MAX_BYTES + 1)}\n`)).toEqual(['ERR Protocol error: too big inline request']);
    expect(summary(`ECHO ${'x'.repeat(INLINE_MAX_BYTES - 6)}\r\n`)[0]).toHaveLength(2);
  });

  it('mixes inline and multibulk requests', () => {
    expect(summary('PING\r\n*1\r\n$4\r\nPING\r\nECHO x\r\n')).toEqual([['PING'], ['PING'], ['ECHO', 'x'], 'incomplete']);
  });
});

describe('query buffer limit', () => {
  it('closes without a reply when unparsed input exceeds client-query-buffer-limit', () => {
    const p = new RespParser({ maxBulkBytes: 1 << 20, maxQueryBufferBytes: 1000 });
    p.feed(Buffer.from('*1\r\n$2000\r\n'));
    expect(p.next().kind).toBe('incomplete');
    p.feed(Buffer.alloc(1001, 0x61));
    expect(p.next()).toEqual({ kind: 'error', message: QUERY_BUFFER_LIMIT_MESSAGE, reply: false });
  });

  it('counts buffered bytes for CLIENT LIST qbuf', () => {
    const p = new RespParser(LIMITS);
    p.feed(Buffer.from('*1\r\n$4\r\nPI'));
    expect(p.next().kind).toBe('incomplete');
    expect(p.bufferedBytes).toBe(2); // the parsed header is consumed, as Redis advances qb_pos
    p.feed(Buffer.from('NG\r\n'));
    expect(p.next().kind).toBe('command');
    expect(p.bufferedBytes).toBe(0);
  });
});

describe('limits before authentication (networking.c authRequired)', () => {
  const unauth = { ...LIMITS, authRequired: () => true };
  it('refuses more than 10 arguments and bulks over 16 KiB until the client authenticates', () => {
    const many = `*11\r\n${'$1\r\na\r\n'.repeat(11)}`;
    expect(summary(many, unauth)).toEqual(['ERR Protocol error: unauthenticated multibulk length']);
    expect(summary(many)).toEqual([Array(11).fill('a'), 'incomplete']);
    const ten = `*10\r\n${'$1\r\na\r\n'.repeat(10)}`;
    expect(summary(ten, unauth)).toEqual([Array(10).fill('a'), 'incomplete']);
    expect(summary('*2\r\n$4\r\nAUTH\r\n$16385\r\n', unauth)).toEqual(['ERR Protocol error: unauthenticated bulk length']);
    expect(summary(`*2\r\n$4\r\nAUTH\r\n$16384\r\n${'x'.repeat(16384)}\r\n`, unauth)[0]).toEqual(['AUTH', 'x'.repeat(16384)]);
  });
});
