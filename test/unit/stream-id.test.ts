// Stream IDs (parsing as t_stream.c streamGenericParseIDOrReply with string2ull, order, the
// 16-byte encoding) and the listpack sizes that decide where stream nodes end.
import { describe, expect, it } from 'vitest';
import { compareIds, decodeId, decrId, encodeId, incrId, MAX_ID, nextAutoId, parseId, parseIntervalId, parseU64, U64_MAX } from '../../src/state-machine/types/stream-id.js';
import { elementBytes, entryBytes, intElementBytes, newNodeBytes } from '../../src/state-machine/types/stream-listpack.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('stream IDs', () => {
  it('string2ull: int64 literals, then what strtoull accepts whole', () => {
    expect(parseU64('0')).toBe(0n);
    expect(parseU64('18446744073709551615')).toBe(U64_MAX);
    expect(parseU64('18446744073709551616')).toBeNull();
    expect(parseU64('-1')).toBeNull();
    expect(parseU64(' 7')).toBe(7n);
    expect(parseU64('+7')).toBe(7n);
    expect(parseU64('007')).toBe(7n);
    // strtoull negates modulo 2^64 what string2ll refused.
    expect(parseU64('-01')).toBe(U64_MAX);
    expect(parseU64('7 ')).toBeNull();
    expect(parseU64('')).toBeNull();
  });

  it('parses ms-seq, ms, -, +, ms-* and exclusive bounds', () => {
    expect(parseId(b('5-3'), 0n, true)).toEqual({ id: { ms: 5n, seq: 3n }, seqGiven: true });
    expect(parseId(b('5'), U64_MAX, false)).toEqual({ id: { ms: 5n, seq: U64_MAX }, seqGiven: true });
    expect(parseId(b('-'), 0n, true)).toBeNull();
    expect(parseId(b('+'), 0n, false)?.id).toEqual(MAX_ID);
    expect(parseId(b('5-*'), 0n, true)).toBeNull();
    expect(parseId(b('5-*'), 0n, true, true)).toEqual({ id: { ms: 5n, seq: 0n }, seqGiven: false });
    expect(parseId(b('1-2-3'), 0n, true)).toBeNull();
    expect(parseId(b('1'.repeat(128)), 0n, true)).toBeNull();
    expect(parseIntervalId(b('(5-1'), 0n)).toEqual({ id: { ms: 5n, seq: 1n }, exclusive: true });
    expect(parseIntervalId(b('(-'), 0n)).toBeNull();
    expect(parseIntervalId(b('('), 0n)).toBeNull();
  });

  it('orders, steps and encodes IDs as 128-bit numbers', () => {
    const ids = [{ ms: 0n, seq: 1n }, { ms: 1n, seq: 0n }, { ms: 1n, seq: U64_MAX }, { ms: 2n, seq: 0n }, MAX_ID];
    for (let i = 1; i < ids.length; i++) {
      expect(compareIds(ids[i - 1]!, ids[i]!)).toBe(-1);
      expect(Buffer.compare(encodeId(ids[i - 1]!), encodeId(ids[i]!))).toBe(-1);
      expect(decodeId(encodeId(ids[i]!))).toEqual(ids[i]);
    }
    expect(incrId({ ms: 1n, seq: U64_MAX })).toEqual({ ms: 2n, seq: 0n });
    expect(incrId(MAX_ID)).toBeNull();
    expect(decrId({ ms: 2n, seq: 0n })).toEqual({ ms: 1n, seq: U64_MAX });
    expect(decrId({ ms: 0n, seq: 0n })).toBeNull();
    expect(nextAutoId({ ms: 5n, seq: 9n }, 4)).toEqual({ ms: 5n, seq: 10n });
    expect(nextAutoId({ ms: 5n, seq: 9n }, 6)).toEqual({ ms: 6n, seq: 0n });
  });
});

describe('listpack sizes', () => {
  it('integers take the smallest encoding; numeric strings are stored as integers', () => {
    expect([0n, 127n, 128n, -1n, 4095n, -4096n, 4096n, 32767n, 32768n, 8388608n, 2147483648n].map(intElementBytes)).toEqual([2, 2, 3, 3, 3, 3, 4, 4, 5, 6, 10]);
    expect(elementBytes(b('127'))).toBe(2);
    expect(elementBytes(b('0127'))).toBe(6);
    expect(elementBytes(b(''))).toBe(2);
    expect(elementBytes(b('x'.repeat(63)))).toBe(65);
    expect(elementBytes(b('x'.repeat(64)))).toBe(67);
    expect(elementBytes(b('x'.repeat(126)))).toBe(130);
  });

  it('an entry with the field names of its node stores only the values', () => {
    const master = { ms: 10n, seq: 0n };
    const fields = [b('f'), b('hello')];
    // flags, ms-diff, seq-diff, value, lp-count.
    expect(entryBytes({ ms: 10n, seq: 1n }, fields, master, [b('f')])).toBe(2 + 2 + 2 + 7 + 2);
    // flags, ms-diff, seq-diff (negative), num-fields, field, value, lp-count.
    expect(entryBytes({ ms: 11n, seq: 0n }, [b('g'), b('1')], { ms: 10n, seq: 5n }, [b('f')])).toBe(2 + 2 + 3 + 2 + 3 + 2 + 2);
    // Header, end, count, deleted, num-fields, the field, terminator.
    expect(newNodeBytes(fields)).toBe(7 + 2 + 2 + 2 + 3 + 2);
  });
});
