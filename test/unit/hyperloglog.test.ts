// The HyperLogLog format module (state-machine/hll/): MurmurHash64A against a BigInt reference and
// against registers redis-server 7.0 computed, sparse opcodes (split, merge, promotion to dense),
// the estimator's edge cases and corrupt values.
import { describe, expect, it } from 'vitest';
import { murmurHash64A } from '../../src/state-machine/hll/murmurhash64a.js';
import { createHll, HLL_DENSE_SIZE, HLL_REGISTERS, isHllValue, patternOf } from '../../src/state-machine/hll/layout.js';
import { SdsBuffer } from '../../src/state-machine/hll/sds-buffer.js';
import { HLL_SPARSE_MAX_BYTES, sparseSet, type HllObject } from '../../src/state-machine/hll/sparse.js';
import {
  addElements,
  cardinalityReply,
  countOne,
  countRegisters,
  emptyRegisters,
  mergeRegisters,
  writeMerged,
} from '../../src/state-machine/hll/hyperloglog.js';
import { seededRng } from '../../src/util/rng.js';

const M64 = (1n << 64n) - 1n;

/** hyperloglog.c's MurmurHash64A written the obvious way, with BigInt. */
function murmurReference(data: Uint8Array, seed: bigint): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
  let h = seed ^ mul(BigInt(data.length), m);
  const blocks = data.length - (data.length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]!);
    k = mul(k, m);
    k ^= k >> 47n;
    k = mul(k, m);
    h ^= k;
    h = mul(h, m);
  }
  const rest = data.length & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(data[blocks + j]!) << BigInt(8 * j);
    h = mul(h, m);
  }
  h ^= h >> 47n;
  h = mul(h, m);
  h ^= h >> 47n;
  return h;
}

/** (element hex, register, run length) as redis-server 7.0.15 stored them after PFADD of one element. */
const REDIS_PATTERNS: readonly [string, number, number][] = [
  ['', 5938, 2],
  ['61', 12711, 2],
  ['6162', 719, 1],
  ['616263', 9474, 1],
  ['61626364', 11070, 8],
  ['6162636465', 3726, 4],
  ['616263646566', 13647, 2],
  ['61626364656667', 5634, 2],
  ['6162636465666768', 1383, 1],
  ['616263646566676869', 6903, 1],
  ['68656c6c6f20776f726c642c20746869732069732061206c6f6e67657220656c656d656e74', 856, 1],
  ['00ff80070102030405060708090a0b', 2102, 8],
  ['666f6f', 7348, 5],
  ['c3a9c3a8', 11165, 3],
  ['783337353036', 9575, 17],
  ['783836303731', 10022, 18],
  // Run lengths above 18 come from the hash's high 32-bit half.
  ['79323535373533', 7547, 20],
  ['7934333531353932', 6560, 21],
  ['7931353139323338', 7155, 22],
  ['7934393430333638', 8920, 24],
  ['7931373436313032', 13285, 26],
];

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const HEADER_SPARSE_STALE = '48594c4c01000000' + '00000000000000' + '80';

/** Register values of an HLL value, one per byte (via hllMerge into zeros). */
function registersOf(value: Uint8Array): Uint8Array {
  const max = emptyRegisters();
  expect(mergeRegisters(max, value)).toBe(true);
  return max;
}

describe('MurmurHash64A', () => {
  it('equals the BigInt reference for every length from 0 to 64 and random bytes', () => {
    const rng = seededRng(42);
    for (let len = 0; len <= 64; len++) {
      for (let round = 0; round < 20; round++) {
        const data = new Uint8Array(len);
        for (let i = 0; i < len; i++) data[i] = rng.int(256);
        const h = murmurHash64A(data, 0xadc83b19);
        const got = (BigInt(h.hi) << 32n) | BigInt(h.lo);
        expect(got.toString(16)).toBe(murmurReference(data, 0xadc83b19n).toString(16));
      }
    }
  });

  it('gives the register and run length redis-server computes', () => {
    for (const [element, index, count] of REDIS_PATTERNS) {
      expect({ element, ...patternOf(Buffer.from(element, 'hex')) }).toEqual({ element, index, count });
    }
  });
});

describe('sparse representation', () => {
  it('a new HLL is one XZERO over every register; PFADD of nothing only marks the cache stale', () => {
    expect(hex(createHll().toBuffer())).toBe('48594c4c01000000' + '0000000000000000' + '7fff');
    const r = addElements(null, []);
    expect(r.outcome).toBe('updated');
    expect(hex(r.value!)).toBe(HEADER_SPARSE_STALE + '7fff');
  });

  it('one element splits the XZERO into XZERO VAL XZERO as redis-server stores it', () => {
    // Register 5938, run length 2 (the empty element).
    const r = addElements(null, [Buffer.alloc(0)]);
    // XZERO 5938 = 0x5731 (len-1 = 0x1731 under the 01 tag), VAL(2,1) = 0x84, XZERO 10445 = 0x68cc.
    expect(hex(r.value!)).toBe(HEADER_SPARSE_STALE + '5731' + '84' + '68cc');
    expect(addElements(r.value, [Buffer.alloc(0)]).outcome).toBe('unchanged');
  });

  it('merges adjacent VALs of equal value into one run of up to 4', () => {
    const o: HllObject = { s: createHll() };
    for (const i of [1, 3, 0, 2]) expect(sparseSet(o, i, 5)).toBe(1);
    // VAL(5,4) = 0x93, then XZERO 16380.
    expect(hex(o.s.toBuffer().subarray(16))).toBe('93' + '7ffb');
    expect(sparseSet(o, 4, 5)).toBe(1);
    expect(hex(o.s.toBuffer().subarray(16))).toBe('93' + '90' + '7ffa');
    // Raising one register in a run splits it (VAL(5,1) VAL(7,1) VAL(5,2)); the tail then merges
    // with the following VAL(5,1) into VAL(5,3).
    expect(sparseSet(o, 1, 7)).toBe(1);
    expect(hex(o.s.toBuffer().subarray(16))).toBe('90' + '98' + '92' + '7ffa');
    expect(sparseSet(o, 1, 6)).toBe(0);
  });

  it('keeps every register through growth and the promotion to dense at hll-sparse-max-bytes', () => {
    const rng = seededRng(3);
    const model = new Uint8Array(HLL_REGISTERS);
    let value: Buffer | null = null;
    let sawSparseNearMax = false;
    for (let n = 0; n < 6000; n += 50) {
      const batch: Buffer[] = [];
      for (let i = 0; i < 50; i++) batch.push(Buffer.from(`m${rng.int(1e9)}`));
      for (const e of batch) {
        const { index, count } = patternOf(e);
        if (count > model[index]!) model[index] = count;
      }
      value = addElements(value, batch).value ?? value;
      const sparse = value![4] === 1;
      if (sparse) {
        expect(value!.length).toBeLessThanOrEqual(HLL_SPARSE_MAX_BYTES);
        if (value!.length > HLL_SPARSE_MAX_BYTES - 200) sawSparseNearMax = true;
      } else expect(value!.length).toBe(HLL_DENSE_SIZE);
      // Compared as hex: deep equality on typed arrays is slow.
      expect(hex(registersOf(value!))).toBe(hex(model));
    }
    expect(sawSparseNearMax).toBe(true);
    expect(value![4]).toBe(0);
  });

  it('promotes to dense when a register exceeds 32', () => {
    const o: HllObject = { s: createHll() };
    expect(sparseSet(o, 100, 32)).toBe(1);
    expect(o.s.toBuffer()[4]).toBe(1);
    expect(sparseSet(o, 200, 33)).toBe(1);
    const dense = o.s.toBuffer();
    expect(dense[4]).toBe(0);
    expect(dense.length).toBe(HLL_DENSE_SIZE);
    const regs = registersOf(dense);
    expect([regs[100], regs[200], regs.reduce((a, b) => a + b, 0)]).toEqual([32, 33, 65]);
  });
});

describe('estimator', () => {
  it('counts nothing as 0 and small sets exactly', () => {
    expect(countOne(addElements(null, []).value!)).toBe(0n);
    const few = Array.from({ length: 10 }, (_, i) => Buffer.from(`e${i}`));
    expect(countOne(addElements(null, few).value!)).toBe(10n);
  });

  it('answers a valid cached cardinality without looking at the registers', () => {
    const v = Buffer.from(addElements(null, [Buffer.from('a')]).value!);
    v.writeBigUInt64LE(12345n, 8);
    expect(countOne(v)).toBe(12345n);
  });

  it('overflows as redis-server on x86-64 when every register is above 51', () => {
    const v = Buffer.alloc(HLL_DENSE_SIZE, 0xff);
    v.write('HYLL\x00\x00\x00\x00', 0, 'latin1');
    expect(cardinalityReply(countOne(v) as bigint)).toBe(-(2n ** 63n));
    expect(cardinalityReply(countRegisters(registersOf(v)))).toBe(-(2n ** 63n));
  });

  it('merged registers of disjoint sets count about their union', () => {
    const a = addElements(null, Array.from({ length: 5000 }, (_, i) => Buffer.from(`a${i}`))).value!;
    const b = addElements(null, Array.from({ length: 5000 }, (_, i) => Buffer.from(`b${i}`))).value!;
    const max = emptyRegisters();
    mergeRegisters(max, a);
    mergeRegisters(max, b);
    const union = Number(countRegisters(max));
    expect(Math.abs(union - 10000)).toBeLessThan(10000 * 0.03);
    const merged = writeMerged(null, max, true);
    expect(merged).not.toBe('corrupt');
    expect(countOne(merged as Buffer)).toBe(BigInt(union));
  });
});

describe('validation and corrupt values', () => {
  it('accepts only HYLL headers with a known encoding and an exact dense length', () => {
    const sparse = addElements(null, []).value!;
    const dense = Buffer.alloc(HLL_DENSE_SIZE);
    dense.write('HYLL', 0, 'latin1');
    expect([isHllValue(sparse), isHllValue(dense)]).toEqual([true, true]);
    expect(isHllValue(Buffer.from('HYLL'))).toBe(false);
    expect(isHllValue(Buffer.from('hello world, hello'))).toBe(false);
    expect(isHllValue(Buffer.concat([dense, Buffer.from('x')]))).toBe(false);
    const badEncoding = Buffer.from(sparse);
    badEncoding[4] = 2;
    expect(isHllValue(badEncoding)).toBe(false);
  });

  it('reports sparse opcodes that do not cover exactly 16384 registers', () => {
    const empty = Buffer.from(HEADER_SPARSE_STALE, 'hex');
    expect(countOne(empty)).toBe('corrupt');
    expect(addElements(empty, [Buffer.from('a')])).toEqual({ outcome: 'corrupt', value: null });
    // XZERO 16384 then one more VAL: too many registers (the CVE-2025-32023 check).
    const tooMany = Buffer.from(HEADER_SPARSE_STALE + '7fff80', 'hex');
    expect(countOne(tooMany)).toBe('corrupt');
    expect(mergeRegisters(emptyRegisters(), tooMany)).toBe(false);
  });

  it('keeps what earlier elements changed when a later one hits corrupt opcodes', () => {
    // XZERO 5938 + XZERO 5938 covers registers 0..11875 only.
    const short = Buffer.from(HEADER_SPARSE_STALE + '5731' + '5731', 'hex');
    const r = addElements(short, [Buffer.alloc(0), Buffer.from('61', 'hex')]);
    expect(r.outcome).toBe('corrupt');
    // The empty element (register 5938) landed in the second XZERO; 'a' (12711) is past the end.
    expect(hex(r.value!)).toBe(HEADER_SPARSE_STALE + '5731' + '84' + '5730');
  });

  it('survives random bytes behind a sparse header without throwing', () => {
    const rng = seededRng(11);
    for (let round = 0; round < 2000; round++) {
      const body = new Uint8Array(rng.int(64));
      for (let i = 0; i < body.length; i++) body[i] = rng.int(256);
      const v = Buffer.concat([Buffer.from(HEADER_SPARSE_STALE, 'hex'), body]);
      addElements(v, [Buffer.from(`r${round}`), Buffer.from('x'), Buffer.from(`s${round}`)]);
      countOne(v);
      mergeRegisters(emptyRegisters(), v);
      writeMerged(v, registersOf(addElements(null, [Buffer.from('q')]).value!), round % 2 === 0);
    }
  });
});

describe('SdsBuffer', () => {
  it('keeps a terminator byte readable at [len]', () => {
    const s = SdsBuffer.from(Buffer.from('ab'));
    expect(s.bytes[2]).toBe(0);
    s.makeRoomFor(3);
    s.incrLen(2);
    expect([s.len, s.bytes[4]]).toEqual([4, 0]);
  });
});
