// Sends the same seeded random sequences of bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS,
// BITOP, BITFIELD, BITFIELD_RO), mixed with string and keyspace commands that read, grow,
// overwrite, copy and delete the same keys, to pikiraft and to redis-server 7.0 over RESP2 and
// RESP3, and compares every reply, errors included. Offsets reach well past the 1 KiB inline
// limit, so strings move into the chunked representation and back (SET) all the time.
import { describe, expect, it } from 'vitest';
import { pick, plain, serverPair, type Conn, type Plain } from '../helpers/differential.js';
import type { RespValue } from '../helpers/resp-client.js';
import { seededRng, type Rng } from '../../src/util/rng.js';

const KEYS = ['b1', 'b2', 'b3', 'h'];
/** Bit offsets: inside one byte, fragment edges (1 KiB = 8192 bits), far enough for several fragments. */
const BIT_OFFSETS = ['0', '1', '7', '8', '13', '100', '8191', '8192', '8199', '16385', '40000', '81920', '160003', '-1', 'x', '4294967296', '1.5'];
const BYTE_OFFSETS = ['0', '1', '5', '1000', '1023', '1024', '1500', '3000', '9000', '-1', 'x'];
const VALUES = ['', 'x', 'hello', '10', '\u00ff\u00ff\u00ff', 'bin\u0000ary', 'foobar', '\u0001\u0080\u00f0', 'Z'.repeat(1100)];
const RANGE_ENDS = ['0', '1', '2', '-1', '-2', '3', '5', '-100', '100', '1023', '1024', '2000', '8191', '8192', '20000', '-9000', 'x', '9223372036854775807', '-9223372036854775808'];
const TYPES = ['i1', 'u1', 'i5', 'u7', 'i8', 'u8', 'i13', 'u16', 'i32', 'u31', 'i63', 'u63', 'i64', 'u64', 'x8', 'i0', 'i65', 'I8', 'u'];
const FIELD_OFFSETS = ['0', '1', '7', '13', '#0', '#1', '#3', '100', '8187', '8190', '#1000', '20001', '#-1', 'abc', '4294967296'];
/** GET only: a SET this far would make both servers hold (and GET return) 512 MiB. */
const FAR_FIELD_OFFSETS = [...FIELD_OFFSETS, '4294967288', '#67108863'];
const FIELD_VALUES = ['0', '1', '-1', '2', '100', '-100', '127', '128', '255', '256', '-129', '4611686018427387904', '9223372036854775807', '-9223372036854775808', 'x'];
const OVERFLOWS = ['WRAP', 'SAT', 'FAIL', 'sat', 'bad'];

function fieldOp(rng: Rng): string[] {
  const t = (): string => pick(rng, TYPES);
  const o = (): string => pick(rng, FIELD_OFFSETS);
  const v = (): string => pick(rng, FIELD_VALUES);
  return pick(rng, [
    (): string[] => ['GET', t(), pick(rng, FAR_FIELD_OFFSETS)],
    (): string[] => ['SET', t(), o(), v()],
    (): string[] => ['INCRBY', t(), o(), v()],
    (): string[] => ['OVERFLOW', pick(rng, OVERFLOWS)],
    (): string[] => ['GET', t()],
    (): string[] => ['FOO'],
  ])();
}

function randomCommand(rng: Rng): string[] {
  const k = (): string => pick(rng, KEYS);
  const bit = (): string => pick(rng, BIT_OFFSETS);
  const e = (): string => pick(rng, RANGE_ENDS);
  const unit = (): string[] => pick(rng, [[], [], ['BIT'], ['BYTE'], ['bit'], ['bits']]);
  const some = <T>(gen: () => T, max: number): T[] => Array.from({ length: 1 + rng.int(max) }, gen);
  const gens: (() => string[])[] = [
    () => ['SETBIT', k(), bit(), pick(rng, ['0', '1', '1', '2', '-1', 'x'])],
    () => ['SETBIT', k(), bit(), '1'],
    () => ['SETBIT', k(), bit(), '1'],
    () => ['GETBIT', k(), bit()],
    () => ['GETBIT', k(), bit()],
    () => ['BITCOUNT', k()],
    () => ['BITCOUNT', k(), e(), e(), ...unit()],
    () => ['BITCOUNT', k(), e()],
    () => ['BITCOUNT', k(), e(), e(), 'BIT', 'x'],
    () => ['BITPOS', k(), pick(rng, ['0', '1'])],
    () => ['BITPOS', k(), pick(rng, ['0', '1']), e()],
    () => ['BITPOS', k(), pick(rng, ['0', '1']), e(), e(), ...unit()],
    () => ['BITPOS', k(), pick(rng, ['0', '1', '2', 'x', '-1']), ...some(e, 3)],
    () => ['BITPOS', k(), '1', '0', '-1', 'BIT', 'x'],
    () => ['BITOP', pick(rng, ['AND', 'OR', 'XOR', 'and', 'or', 'xor']), k(), ...some(k, 3)],
    () => ['BITOP', pick(rng, ['NOT', 'not']), k(), k()],
    () => ['BITOP', pick(rng, ['NOT', 'NAND', 'bad']), k(), ...some(k, 2)],
    () => ['BITFIELD', k(), ...some(() => fieldOp(rng), 4).flat()],
    () => ['BITFIELD', k(), ...some(() => fieldOp(rng), 4).flat()],
    () => ['BITFIELD_RO', k(), ...some(() => fieldOp(rng), 3).flat()],
    () => ['BITFIELD_RO', k(), ...some(() => ['GET', pick(rng, TYPES), pick(rng, FAR_FIELD_OFFSETS)], 3).flat()],
    () => ['GET', k()],
    () => ['MGET', k(), k()],
    () => ['SET', k(), pick(rng, VALUES)],
    () => ['SETRANGE', k(), pick(rng, BYTE_OFFSETS), pick(rng, VALUES)],
    () => ['GETRANGE', k(), e(), e()],
    () => ['APPEND', k(), pick(rng, VALUES)],
    () => ['STRLEN', k()],
    () => ['DEL', k()],
    () => ['EXISTS', k()],
    () => ['TYPE', k()],
    () => ['RENAME', k(), k()],
    () => ['COPY', k(), k(), ...pick(rng, [[], ['REPLACE']])],
    () => ['EXPIRE', k(), '1000'],
    () => ['GETDEL', k()],
    () => ['INCR', k()],
    () => ['HSET', 'h', 'f', 'v'],
    () => ['GETEX', k(), ...pick(rng, [[], ['PERSIST']])],
    () => ['DBSIZE'],
  ];
  return pick(rng, gens)();
}

async function both(ours: Conn, theirs: Conn, argv: string[]): Promise<[Plain, Plain]> {
  const [a, b] = await Promise.all([ours.c.call(...argv), theirs.c.call(...argv)]);
  return [summarize(a.value), summarize(b.value)];
}

/** Long bulk replies are compared by length and hash, so a failure prints readably. */
function summarize(v: RespValue): Plain {
  if (v.t === 'bulk' && v.s.length > 200) {
    let h = 0;
    for (let i = 0; i < v.s.length; i++) h = (Math.imul(h, 31) + v.s.charCodeAt(i)) | 0;
    return { bulkLength: String(v.s.length), hash: String(h), head: v.s.slice(0, 40) };
  }
  return plain(v);
}

describe('differential: bitmaps against redis-server 7.0', () => {
  const { ours, theirs } = serverPair();

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    it(`seed ${seed}: 300 commands give the same replies (RESP2 and RESP3)`, async () => {
      await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
      const rng = seededRng(seed * 104729);
      for (let i = 0; i < 300; i++) {
        const argv = randomCommand(rng);
        const p = rng.int(2);
        const [a, b] = await both(ours[p]!, theirs[p]!, argv);
        expect({ step: i, proto: p + 2, argv, reply: a }).toEqual({ step: i, proto: p + 2, argv, reply: b });
      }
      // The final contents of every key, whole.
      for (const key of KEYS) {
        const [a, b] = await both(ours[0]!, theirs[0]!, ['GET', key]);
        expect({ key, value: a }).toEqual({ key, value: b });
      }
    });
  }

  it('fixed cases: errors and reply shapes of every command', async () => {
    const cases: string[][] = [
      ['SET', 's', 'foobar'],
      ['LPUSH', 'l', 'a'],
      ['BITCOUNT', 's'], ['BITCOUNT', 's', '1', '1'], ['BITCOUNT', 's', '5', '30', 'BIT'], ['BITCOUNT', 's', '0'], ['BITCOUNT', 'nokey', 'a', 'b'],
      ['BITCOUNT', 'l'], ['BITCOUNT', 'l', 'x', 'y'], ['BITCOUNT', 's', '-1', '-2', 'foo'],
      ['BITPOS', 's', '0'], ['BITPOS', 's', '1', '2'], ['BITPOS', 's', '1', '2', '-1', 'BIT'], ['BITPOS', 'nokey', '0', 'x'], ['BITPOS', 'nokey', '1'],
      ['BITPOS', 'l', '1'], ['BITPOS', 'l', '2'], ['BITPOS', 's', '1', '0', '1', '2', '3'], ['BITPOS', 's', '0', '0', '-1', 'bit'],
      ['SETBIT', 'l', '1', '2'], ['SETBIT', 'l', '1', '1'], ['SETBIT', 'n', '4294967296', '1'], ['SETBIT', 'n', '-1', '1'], ['SETBIT', 'n', '0', 'x'],
      ['GETBIT', 'l', 'x'], ['GETBIT', 'l', '0'], ['GETBIT', 'nokey', '0'],
      ['BITOP', 'NOT', 'd', 'a', 'b'], ['BITOP', 'FOO', 'd', 'a'], ['BITOP', 'AND', 'd', 'l'], ['BITOP', 'OR', 'l', 'nokey'], ['EXISTS', 'l'],
      ['BITFIELD_RO', 's', 'SET', 'u8', '0', '1'], ['BITFIELD_RO', 'l', 'GET', 'u8', '0'], ['BITFIELD', 'l', 'GET', 'u8', '0'],
      ['BITFIELD', 's', 'GET', 'u64', '0'], ['BITFIELD', 's', 'OVERFLOW', 'foo'], ['BITFIELD', 's', 'GET', 'u8'], ['BITFIELD', 's'], ['BITFIELD_RO', 's'],
      ['BITFIELD', 's', 'INCRBY', 'u8', '0', 'x'], ['BITFIELD', 's', 'GET', 'u8', '#1', 'GET', 'i64', '#-1'],
      ['BITFIELD', 'nokey', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '100', '300'], ['STRLEN', 'nokey'],
      ['BITFIELD', 'f', 'SET', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-1', 'INCRBY', 'i64', '0', '9223372036854775807', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', '0', '1'],
      ['BITFIELD', 'f', 'SET', 'u63', '0', '-1', 'OVERFLOW', 'SAT', 'SET', 'u63', '0', '-1', 'SET', 'i8', '0', '-9223372036854775808', 'GET', 'u63', '0'],
    ];
    for (const p of [0, 1]) {
      await Promise.all([ours[p]!.c.call('FLUSHALL'), theirs[p]!.c.call('FLUSHALL')]);
      for (const argv of cases) {
        const [a, b] = await both(ours[p]!, theirs[p]!, argv);
        expect({ proto: p + 2, argv, reply: a }).toEqual({ proto: p + 2, argv, reply: b });
      }
    }
  });

  it('a chunked string of 200,000 bytes reads the same through every string command', async () => {
    const c = (argv: string[]): Promise<[Plain, Plain]> => both(ours[0]!, theirs[0]!, argv);
    await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
    const steps: string[][] = [
      ['SETBIT', 'big', String(8 * 200_000), '1'],
      ['SETBIT', 'big', '12345', '1'],
      ['SETRANGE', 'big', '70000', 'in the middle'],
      ['BITFIELD', 'big', 'SET', 'i32', '#5000', '-123456', 'INCRBY', 'u16', '99999', '65535'],
      ['GET', 'big'], ['STRLEN', 'big'], ['GETRANGE', 'big', '69990', '70020'], ['GETRANGE', 'big', '-5', '-1'],
      ['BITCOUNT', 'big'], ['BITCOUNT', 'big', '1000', '-1000'], ['BITCOUNT', 'big', '9', '1599999', 'BIT'],
      ['BITPOS', 'big', '1'], ['BITPOS', 'big', '1', '2000'], ['BITPOS', 'big', '0', '1543', '1543'], ['BITPOS', 'big', '0', '12345', '12345', 'BIT'],
      ['APPEND', 'big', 'tail'], ['GET', 'big'], ['LCS', 'big', 'big', 'LEN'],
      ['COPY', 'big', 'copy'], ['RENAME', 'copy', 'moved'], ['GET', 'moved'], ['BITOP', 'XOR', 'x', 'big', 'moved'], ['BITCOUNT', 'x'], ['STRLEN', 'x'],
      ['BITOP', 'NOT', 'n', 'big'], ['BITCOUNT', 'n'], ['BITPOS', 'n', '0'], ['GETDEL', 'n'],
      ['INCR', 'big'], ['GETEX', 'big', 'PERSIST'], ['SET', 'big', 'small', 'GET'], ['GET', 'big'], ['DBSIZE'],
    ];
    for (const argv of steps) {
      const [a, b] = await c(argv);
      expect({ argv, reply: a }).toEqual({ argv, reply: b });
    }
  });
});
