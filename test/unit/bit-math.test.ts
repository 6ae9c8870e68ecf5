// The bit arithmetic of BITFIELD, BITCOUNT and BITPOS (src/commands/bit-math.ts) at its edges:
// overflow under WRAP, SAT and FAIL for signed and unsigned fields of 1..64 bits, int64 limits,
// and fields that straddle bytes. Expected values follow bitops.c (checked against redis-server
// 7.0.15 where marked).
import { describe, expect, it } from 'vitest';
import {
  checkSignedOverflow,
  checkUnsignedOverflow,
  firstBitInByte,
  getSignedBits,
  getUnsignedBits,
  normalizeRange,
  popcount,
  setBits,
} from '../../src/commands/bit-math.js';
import { applyFieldWrite, type FieldOp } from '../../src/commands/bitmap.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT63_MAX = (1n << 63n) - 1n;

describe('unsigned overflow', () => {
  it('u8 above the maximum: WRAP modulo 256, SAT at 255, FAIL without a value', () => {
    expect(checkUnsignedOverflow(250n, 10n, 8, 'wrap')).toEqual({ overflow: 1, limit: 4n });
    expect(checkUnsignedOverflow(250n, 10n, 8, 'sat')).toEqual({ overflow: 1, limit: 255n });
    expect(checkUnsignedOverflow(250n, 10n, 8, 'fail')).toEqual({ overflow: 1 });
    expect(checkUnsignedOverflow(250n, 5n, 8, 'fail')).toEqual({ overflow: 0 });
  });

  it('u8 below zero: WRAP from the top, SAT at 0', () => {
    expect(checkUnsignedOverflow(250n, -251n, 8, 'wrap')).toEqual({ overflow: -1, limit: 255n });
    expect(checkUnsignedOverflow(250n, -251n, 8, 'sat')).toEqual({ overflow: -1, limit: 0n });
    expect(checkUnsignedOverflow(250n, -250n, 8, 'sat')).toEqual({ overflow: 0 });
  });

  it('u1 and u63 at their limits', () => {
    expect(checkUnsignedOverflow(1n, 1n, 1, 'wrap')).toEqual({ overflow: 1, limit: 0n });
    expect(checkUnsignedOverflow(0n, -1n, 1, 'wrap')).toEqual({ overflow: -1, limit: 1n });
    expect(checkUnsignedOverflow(UINT63_MAX, 1n, 63, 'wrap')).toEqual({ overflow: 1, limit: 0n });
    expect(checkUnsignedOverflow(UINT63_MAX, 1n, 63, 'sat')).toEqual({ overflow: 1, limit: UINT63_MAX });
    expect(checkUnsignedOverflow(0n, INT64_MIN, 63, 'wrap')).toEqual({ overflow: -1, limit: 0n });
    expect(checkUnsignedOverflow(UINT63_MAX, INT64_MIN, 63, 'wrap')).toEqual({ overflow: -1, limit: UINT63_MAX });
  });
});

describe('signed overflow', () => {
  it('i8: 127 + 1 and -128 - 1', () => {
    expect(checkSignedOverflow(127n, 1n, 8, 'wrap')).toEqual({ overflow: 1, limit: -128n });
    expect(checkSignedOverflow(127n, 1n, 8, 'sat')).toEqual({ overflow: 1, limit: 127n });
    expect(checkSignedOverflow(-128n, -1n, 8, 'wrap')).toEqual({ overflow: -1, limit: 127n });
    expect(checkSignedOverflow(-128n, -1n, 8, 'sat')).toEqual({ overflow: -1, limit: -128n });
    expect(checkSignedOverflow(-128n, 255n, 8, 'fail')).toEqual({ overflow: 0 });
    expect(checkSignedOverflow(-128n, 256n, 8, 'fail')).toEqual({ overflow: 1 });
  });

  it('i1 holds -1 and 0', () => {
    expect(checkSignedOverflow(0n, -1n, 1, 'wrap')).toEqual({ overflow: 0 });
    expect(checkSignedOverflow(0n, 1n, 1, 'wrap')).toEqual({ overflow: 1, limit: -1n });
    expect(checkSignedOverflow(-1n, -1n, 1, 'sat')).toEqual({ overflow: -1, limit: -1n });
  });

  it('i64: overflow past INT64_MAX and INT64_MIN wraps around, saturates at the limits', () => {
    expect(checkSignedOverflow(INT64_MAX, 1n, 64, 'wrap')).toEqual({ overflow: 1, limit: INT64_MIN });
    expect(checkSignedOverflow(INT64_MAX, 1n, 64, 'sat')).toEqual({ overflow: 1, limit: INT64_MAX });
    expect(checkSignedOverflow(INT64_MIN, -1n, 64, 'wrap')).toEqual({ overflow: -1, limit: INT64_MAX });
    expect(checkSignedOverflow(INT64_MIN, -1n, 64, 'sat')).toEqual({ overflow: -1, limit: INT64_MIN });
    expect(checkSignedOverflow(INT64_MIN, INT64_MAX, 64, 'fail')).toEqual({ overflow: 0 });
    expect(checkSignedOverflow(INT64_MAX, INT64_MIN, 64, 'fail')).toEqual({ overflow: 0 });
    expect(checkSignedOverflow(INT64_MIN, 0n, 64, 'fail')).toEqual({ overflow: 0 });
  });

  it('SET of a value far outside the field keeps bitops.c quirks (redis-server 7.0.15)', () => {
    // The int64 subtraction in maxincr wraps, so INT64_MIN counts as an overflow upwards.
    expect(checkSignedOverflow(INT64_MIN, 0n, 8, 'sat')).toEqual({ overflow: 1, limit: 127n });
    expect(checkSignedOverflow(INT64_MIN, 0n, 8, 'wrap')).toEqual({ overflow: 1, limit: 0n });
    expect(checkSignedOverflow(1000n, 0n, 8, 'wrap')).toEqual({ overflow: 1, limit: -24n });
  });
});

describe('BITFIELD SET and INCRBY', () => {
  const op = (kind: 'set' | 'incrby', type: string, value: bigint, overflow: FieldOp['overflow']): FieldOp => ({
    kind,
    signed: type[0] === 'i',
    bits: Number(type.slice(1)),
    offset: 0,
    value,
    overflow,
  });

  it('SET answers the old value and stores the new one, wrapped or saturated (redis-server 7.0.15)', () => {
    expect(applyFieldWrite(5n, op('set', 'u8', -1n, 'wrap'))).toEqual({ reply: 5n, store: 255n });
    expect(applyFieldWrite(5n, op('set', 'u8', -1n, 'sat'))).toEqual({ reply: 5n, store: 255n });
    expect(applyFieldWrite(0n, op('set', 'u63', -5n, 'sat'))).toEqual({ reply: 0n, store: UINT63_MAX });
    expect(applyFieldWrite(0n, op('set', 'i8', INT64_MIN, 'sat'))).toEqual({ reply: 0n, store: 127n });
    expect(applyFieldWrite(0n, op('set', 'u8', 256n, 'fail'))).toBeNull();
    expect(applyFieldWrite(-1n, op('set', 'i64', INT64_MIN, 'fail'))).toEqual({ reply: -1n, store: INT64_MIN });
  });

  it('INCRBY answers the new value; FAIL leaves the field alone', () => {
    expect(applyFieldWrite(100n, op('incrby', 'i8', 100n, 'wrap'))).toEqual({ reply: -56n, store: -56n });
    expect(applyFieldWrite(100n, op('incrby', 'i8', 100n, 'sat'))).toEqual({ reply: 127n, store: 127n });
    expect(applyFieldWrite(100n, op('incrby', 'i8', 100n, 'fail'))).toBeNull();
    expect(applyFieldWrite(INT64_MAX, op('incrby', 'i64', 1n, 'wrap'))).toEqual({ reply: INT64_MIN, store: INT64_MIN });
    expect(applyFieldWrite(3n, op('incrby', 'u2', 1n, 'wrap'))).toEqual({ reply: 0n, store: 0n });
  });
});

describe('bit fields in a buffer', () => {
  it('bitops.c example: u5 = 23 at offset 7 is 00000001|01110000', () => {
    const buf = Buffer.alloc(2);
    setBits(buf, 7, 5, 23n);
    expect([...buf]).toEqual([0b00000001, 0b01110000]);
    expect(getUnsignedBits(buf, 7, 5)).toBe(23n);
    expect(getSignedBits(buf, 7, 5)).toBe(23n - 32n);
  });

  it('i64 across nine bytes round-trips, and only the field bits change', () => {
    const buf = Buffer.alloc(9, 0xff);
    setBits(buf, 3, 64, INT64_MIN);
    expect(getSignedBits(buf, 3, 64)).toBe(INT64_MIN);
    expect(buf[0]! >> 5).toBe(0b111);
    expect(buf[8]! & 0b00011111).toBe(0b00011111);
    setBits(buf, 3, 64, -1n);
    expect([...buf]).toEqual(Array(9).fill(0xff));
  });

  it('reads past the end of the buffer as zeros', () => {
    expect(getUnsignedBits(Buffer.from([0xff]), 4, 8)).toBe(0xf0n);
  });
});

describe('counting and searching', () => {
  it('popcount', () => {
    expect(popcount(Buffer.from([0xff, 0x00, 0xaa, 0x55, 0xf0, 0x0f, 0x33, 0xcc]))).toBe(32);
    expect(popcount(Buffer.alloc(0))).toBe(0);
  });

  it('first bit in a byte within bounds', () => {
    expect(firstBitInByte(0b00010000, 1, 0, 7)).toBe(3);
    expect(firstBitInByte(0b00010000, 1, 4, 7)).toBe(-1);
    expect(firstBitInByte(0xff, 0, 0, 7)).toBe(-1);
    expect(firstBitInByte(0b11110111, 0, 2, 7)).toBe(4);
  });

  it('ranges normalize as bitcountCommand does', () => {
    expect(normalizeRange(0n, -1n, 10n)).toEqual({ start: 0, end: 9 });
    expect(normalizeRange(-3n, -1n, 10n)).toEqual({ start: 7, end: 9 });
    expect(normalizeRange(-100n, 100n, 10n)).toEqual({ start: 0, end: 9 });
    expect(normalizeRange(5n, 2n, 10n)).toBeNull();
    expect(normalizeRange(0n, -1n, 0n)).toBeNull();
    expect(normalizeRange(INT64_MIN, INT64_MAX, 4n)).toEqual({ start: 0, end: 3 });
  });
});
