// splitArgs against Redis's sdssplitargs (inline commands and redis.conf lines).
import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/resp/split-args.js';

const split = (s: string): string[] | null => splitArgs(Buffer.from(s, 'latin1'))?.map((b) => b.toString('latin1')) ?? null;

describe('splitArgs', () => {
  it('splits on whitespace and returns [] for a blank line', () => {
    expect(split('set  a\tb')).toEqual(['set', 'a', 'b']);
    expect(split('')).toEqual([]);
    expect(split(' \t\r\n\v\f')).toEqual([]);
  });

  it('ends unquoted tokens only on space, tab, CR, LF (not \\v or \\f)', () => {
    expect(split('a\vb c\fd')).toEqual(['a\vb', 'c\fd']);
    expect(split('\va')).toEqual(['a']);
  });

  it('double quotes: \\xHH, \\n \\r \\t \\b \\a and any other escaped char', () => {
    expect(split('"\\x41\\x7a\\n\\r\\t\\b\\a\\"\\\\\\z"')).toEqual(['Az\n\r\t\b\x07"\\z']);
    expect(split('"\\x4"')).toEqual(['x4']);
  });

  it('single quotes: only \\\' is an escape', () => {
    expect(split("'a\\'b\\n'")).toEqual(["a'b\\n"]);
  });

  it('a closing quote must be followed by whitespace or the end', () => {
    expect(split('"a" b')).toEqual(['a', 'b']);
    expect(split('"a"b')).toBeNull();
    expect(split("'a'b")).toBeNull();
    expect(split('"a"\tb')).toEqual(['a', 'b']);
  });

  it('unterminated quotes are an error', () => {
    expect(split('"abc')).toBeNull();
    expect(split("'abc")).toBeNull();
    expect(split('"abc\\"')).toBeNull();
  });

  it('a quote inside a token opens a quoted part', () => {
    expect(split('a"b c"')).toEqual(['ab c']);
  });

  it('keeps non-ASCII bytes', () => {
    expect(splitArgs(Buffer.from([0xff, 0x20, 0xc3, 0xa9]))).toEqual([Buffer.from([0xff]), Buffer.from([0xc3, 0xa9])]);
  });
});
