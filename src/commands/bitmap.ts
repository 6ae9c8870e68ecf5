// Bitmap commands (Redis bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
// BITFIELD_RO. Argument parsing and replies here; the bytes are read and written through
// state-machine/types/string-fragments.ts, which touches only the fragments a command covers.
import { array, int, NULL, ONE, ZERO, type Reply } from '../resp/reply.js';
import { KeyType, type Meta } from '../state-machine/encoding.js';
import type { Keyspace } from '../state-machine/keyspace.js';
import { WRONGTYPE } from '../state-machine/types/string.js';
import {
  FRAGMENT_BYTES,
  loadFragments,
  readStringRange,
  storedPieces,
  stringLength,
  StringEditor,
  writeFragmentedString,
} from '../state-machine/types/string-fragments.js';
import { eqIgnoreCase, parseInt64 } from './args.js';
import {
  checkSignedOverflow,
  checkUnsignedOverflow,
  firstBitInByte,
  getSignedBits,
  getUnsignedBits,
  normalizeRange,
  popcount,
  setBits,
  type Overflow,
} from './bit-math.js';
import { E } from './errors.js';
import { fail, readCommand, writeCommand, type Command, type ParseResult } from './table.js';

const K1 = { first: 1, last: 1, step: 1 };
const docs = (summary: string, since: string, complexity: string) => ({ summary, since, group: 'bitmap', complexity });

/**
 * Redis checks bit offsets against proto-max-bulk-len while parsing; parsing here sees no config,
 * so it uses the default (512 MiB) and writes check the configured limit again in apply.
 */
const DEFAULT_MAX_BULK_BYTES = 512n * 1024n * 1024n;

/** getBitOffsetFromArgument: a bit offset, or `#N` times `hashBits` when hashBits > 0 (BITFIELD). */
function parseBitOffset(arg: Buffer, hashBits: number): number | null {
  const useHash = hashBits > 0 && arg[0] === 0x23;
  const n = parseInt64(useHash ? arg.subarray(1) : arg);
  if (n === null) return null;
  // C's long long multiplication wraps; the range check below then rejects the result.
  const offset = useHash ? BigInt.asIntN(64, n * BigInt(hashBits)) : n;
  if (offset < 0n || offset >> 3n >= DEFAULT_MAX_BULK_BYTES) return null;
  return Number(offset);
}

const byteOf = (bitOffset: number): number => Math.floor(bitOffset / 8);

/** The live string meta of `key`: null when absent, WRONGTYPE for another type. */
async function stringMetaOf(ks: Keyspace, db: number, key: Buffer): Promise<Meta | null | typeof WRONGTYPE> {
  const meta = await ks.meta(db, key);
  if (meta === null) return null;
  return meta.type === KeyType.String ? meta : WRONGTYPE;
}

async function byteAt(ks: Keyspace, db: number, key: Buffer, meta: Meta, index: number): Promise<number> {
  return (await readStringRange(ks, db, key, meta, index, index + 1))[0] ?? 0;
}

// ---- SETBIT, GETBIT -------------------------------------------------------------------------

const setbit = writeCommand(
  'setbit',
  { arity: 4, flags: ['write', 'denyoom'], keys: K1, acl: ['@write', '@bitmap', '@slow'], docs: docs('Sets or clears the bit at offset of the string value. Creates the key if it doesn\'t exist.', '2.2.0', 'O(1)') },
  (argv) => {
    const offset = parseBitOffset(argv[2]!, 0);
    if (offset === null) return fail(E.bitOffset);
    const on = parseInt64(argv[3]!);
    if (on === null || (on & ~1n) !== 0n) return fail(E.bitValue);
    return { key: argv[1]!, offset, on: Number(on) };
  },
  async (ctx, { key, offset, on }) => {
    if (byteOf(offset) >= ctx.maxBulkBytes) return E.bitOffset;
    const s = await StringEditor.open(ctx.ks, ctx.db, key);
    if (s === WRONGTYPE) return E.wrongType;
    const at = byteOf(offset);
    s.grow(at + 1);
    const old = (await s.read(at, 1))[0]!;
    const shift = 7 - (offset % 8);
    const was = (old >> shift) & 1;
    if (was !== on) await s.write(at, Buffer.from([(old & ~(1 << shift)) | (on << shift)]));
    await s.commit();
    return was ? ONE : ZERO;
  },
);

const getbit = readCommand(
  'getbit',
  { arity: 3, flags: ['readonly', 'fast'], keys: K1, acl: ['@read', '@bitmap', '@fast'], docs: docs('Returns a bit value by offset.', '2.2.0', 'O(1)') },
  (argv) => {
    const offset = parseBitOffset(argv[2]!, 0);
    return offset === null ? fail(E.bitOffset) : { key: argv[1]!, offset };
  },
  async (ctx, { key, offset }) => {
    const meta = await stringMetaOf(ctx.ks, ctx.db, key);
    if (meta === WRONGTYPE) return E.wrongType;
    if (meta === null) return ZERO;
    const byte = await byteAt(ctx.ks, ctx.db, key, meta, byteOf(offset));
    return (byte >> (7 - (offset % 8))) & 1 ? ONE : ZERO;
  },
);

// ---- BITCOUNT, BITPOS -----------------------------------------------------------------------

/** A normalized bit range, inclusive at both ends. */
interface BitRange {
  readonly startBit: number;
  readonly endBit: number;
}

/** Byte or bit range arguments into a bit range over a string of `length` bytes; null when empty. */
function bitRange(start: bigint, end: bigint, length: number, inBits: boolean): BitRange | null {
  const r = normalizeRange(start, end, inBits ? BigInt(length) * 8n : BigInt(length));
  if (r === null) return null;
  return inBits ? { startBit: r.start, endBit: r.end } : { startBit: r.start * 8, endBit: r.end * 8 + 7 };
}

/** Bits set in the range: popcount of the stored bytes, minus the edge bits outside it. */
async function countBits(ks: Keyspace, db: number, key: Buffer, meta: Meta, r: BitRange): Promise<number> {
  const first = byteOf(r.startBit);
  const last = byteOf(r.endBit);
  let n = 0;
  for await (const p of storedPieces(ks, db, key, meta, first, last + 1)) n += popcount(p.bytes);
  const firstMask = ~((1 << (8 - (r.startBit % 8))) - 1) & 0xff;
  const lastMask = (1 << (7 - (r.endBit % 8))) - 1;
  if (firstMask !== 0) n -= popcount(Buffer.from([(await byteAt(ks, db, key, meta, first)) & firstMask]));
  if (lastMask !== 0) n -= popcount(Buffer.from([(await byteAt(ks, db, key, meta, last)) & lastMask]));
  return n;
}

/** The first bit equal to `bit` in the range, or -1. Bytes in no stored fragment are zero. */
async function findBit(ks: Keyspace, db: number, key: Buffer, meta: Meta, bit: 0 | 1, r: BitRange): Promise<number> {
  const first = byteOf(r.startBit);
  const last = byteOf(r.endBit);
  const inByte = (index: number, value: number): number => {
    const i = firstBitInByte(value, bit, index === first ? r.startBit % 8 : 0, index === last ? r.endBit % 8 : 7);
    return i < 0 ? -1 : index * 8 + i;
  };
  // A byte without the bit sought is skipped whole, whatever the range edges.
  const skip = bit === 1 ? 0x00 : 0xff;
  let next = first;
  for await (const p of storedPieces(ks, db, key, meta, first, last + 1)) {
    if (bit === 0 && p.offset > next) return inByte(next, 0);
    for (let i = 0; i < p.bytes.length; i++) {
      if (p.bytes[i] === skip) continue;
      const found = inByte(p.offset + i, p.bytes[i]!);
      if (found >= 0) return found;
    }
    next = p.offset + p.bytes.length;
  }
  return bit === 0 && next <= last ? inByte(next, 0) : -1;
}

function unitIsBit(arg: Buffer): boolean | null {
  if (eqIgnoreCase(arg, 'bit')) return true;
  if (eqIgnoreCase(arg, 'byte')) return false;
  return null;
}

// Redis 7.0 looks the key up before it parses the range: a missing key answers 0 and another
// type WRONGTYPE whatever the other arguments are, so they are parsed in exec.
const bitcount = readCommand(
  'bitcount',
  { arity: -2, flags: ['readonly'], keys: K1, acl: ['@read', '@bitmap', '@slow'], docs: docs('Counts the number of set bits (population counting) in a string.', '2.6.0', 'O(N)') },
  (argv) => ({ argv }),
  async (ctx, { argv }) => {
    const key = argv[1]!;
    const meta = await stringMetaOf(ctx.ks, ctx.db, key);
    if (meta === WRONGTYPE) return E.wrongType;
    if (meta === null) return ZERO;
    const length = stringLength(meta);
    let r: BitRange | null;
    if (argv.length === 4 || argv.length === 5) {
      const start = parseInt64(argv[2]!);
      const end = parseInt64(argv[3]!);
      if (start === null || end === null) return E.notInteger;
      if (start < 0n && end < 0n && start > end) return ZERO;
      const inBits = argv.length === 5 ? unitIsBit(argv[4]!) : false;
      if (inBits === null) return E.syntax;
      r = bitRange(start, end, length, inBits);
    } else if (argv.length === 2) {
      r = bitRange(0n, -1n, length, false);
    } else return E.syntax;
    return r === null ? ZERO : int(await countBits(ctx.ks, ctx.db, key, meta, r));
  },
);

const bitpos = readCommand(
  'bitpos',
  { arity: -3, flags: ['readonly'], keys: K1, acl: ['@read', '@bitmap', '@slow'], docs: docs('Finds the first set (1) or clear (0) bit in a string.', '2.8.7', 'O(N)') },
  (argv): ParseResult<{ argv: readonly Buffer[]; bit: 0 | 1 }> => {
    const bit = parseInt64(argv[2]!);
    if (bit === null) return fail(E.notInteger);
    if (bit !== 0n && bit !== 1n) return fail(E.bitArgument);
    return { argv, bit: bit === 1n ? 1 : 0 };
  },
  async (ctx, { argv, bit }) => {
    const key = argv[1]!;
    const meta = await stringMetaOf(ctx.ks, ctx.db, key);
    if (meta === WRONGTYPE) return E.wrongType;
    // A missing key is an endless run of zeros.
    if (meta === null) return int(bit ? -1 : 0);
    const length = stringLength(meta);
    let r: BitRange | null;
    let endGiven = false;
    if (argv.length >= 4 && argv.length <= 6) {
      const start = parseInt64(argv[3]!);
      if (start === null) return E.notInteger;
      const inBits = argv.length === 6 ? unitIsBit(argv[5]!) : false;
      if (inBits === null) return E.syntax;
      let end = -1n;
      if (argv.length >= 5) {
        const e = parseInt64(argv[4]!);
        if (e === null) return E.notInteger;
        end = e;
        endGiven = true;
      }
      r = bitRange(start, end, length, inBits);
    } else if (argv.length === 3) {
      r = bitRange(0n, -1n, length, false);
    } else return E.syntax;
    if (r === null) return int(-1);
    const pos = await findBit(ctx.ks, ctx.db, key, meta, bit, r);
    if (pos >= 0) return int(pos);
    // Without an explicit end the string counts as padded with zeros on the right.
    return int(bit === 0 && !endGiven ? r.endBit + 1 : -1);
  },
);

// ---- BITOP ----------------------------------------------------------------------------------

type BitOp = 'and' | 'or' | 'xor' | 'not';

const bitop = writeCommand(
  'bitop',
  { arity: -4, flags: ['write', 'denyoom'], keys: { first: 2, last: -1, step: 1 }, acl: ['@write', '@bitmap', '@slow'], docs: docs('Performs bitwise operations on multiple strings, and stores the result.', '2.6.0', 'O(N)') },
  (argv): ParseResult<{ op: BitOp; dest: Buffer; sources: readonly Buffer[] }> => {
    const name = argv[1]!.toString('latin1').toLowerCase();
    if (name !== 'and' && name !== 'or' && name !== 'xor' && name !== 'not') return fail(E.syntax);
    if (name === 'not' && argv.length !== 4) return fail(E.bitopNotSingleKey);
    return { op: name, dest: argv[2]!, sources: argv.slice(3) };
  },
  async (ctx, { op, dest, sources }) => {
    const metas: (Meta | null)[] = [];
    for (const key of sources) {
      const meta = await stringMetaOf(ctx.ks, ctx.db, key);
      if (meta === WRONGTYPE) return E.wrongType;
      metas.push(meta);
    }
    const length = Math.max(0, ...metas.map((m) => (m === null ? 0 : stringLength(m))));
    if (length === 0) {
      await ctx.ks.deleteKey(ctx.db, dest);
      return ZERO;
    }
    const inputs = await Promise.all(metas.map((m, i) => (m === null ? new Map<number, Buffer>() : loadFragments(ctx.ks, ctx.db, sources[i]!, m))));
    const out = combineFragments(op, inputs, length);
    // The result replaces dest whatever it held, without its TTL (setKey in bitopCommand).
    await writeFragmentedString(ctx.ks, ctx.db, dest, length, out, 0);
    return int(length);
  },
);

/** BITOP over fragment maps (missing = zeros): only fragments that can be non-zero are computed. */
function combineFragments(op: BitOp, inputs: readonly ReadonlyMap<number, Buffer>[], length: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  const fragmentCount = Math.ceil(length / FRAGMENT_BYTES);
  if (op === 'not') {
    const src = inputs[0]!;
    for (let index = 0; index < fragmentCount; index++) {
      const frag = Buffer.alloc(FRAGMENT_BYTES);
      const from = src.get(index);
      const valid = Math.min(FRAGMENT_BYTES, length - index * FRAGMENT_BYTES);
      for (let j = 0; j < valid; j++) frag[j] = ~(from?.[j] ?? 0) & 0xff;
      out.set(index, frag);
    }
    return out;
  }
  const indices = new Set<number>();
  for (const m of inputs) for (const index of m.keys()) indices.add(index);
  for (const index of indices) {
    const frags = inputs.map((m) => m.get(index));
    // AND with a source that has no bytes here is all zeros.
    if (op === 'and' && frags.some((f) => f === undefined)) continue;
    const frag = Buffer.from(frags[0] ?? Buffer.alloc(FRAGMENT_BYTES));
    for (let k = 1; k < frags.length; k++) {
      const f = frags[k];
      if (f === undefined) continue;
      for (let j = 0; j < FRAGMENT_BYTES; j++) {
        if (op === 'and') frag[j]! &= f[j]!;
        else if (op === 'or') frag[j]! |= f[j]!;
        else frag[j]! ^= f[j]!;
      }
    }
    out.set(index, frag);
  }
  return out;
}

// ---- BITFIELD, BITFIELD_RO ------------------------------------------------------------------

export interface FieldOp {
  readonly kind: 'get' | 'set' | 'incrby';
  readonly signed: boolean;
  readonly bits: number;
  readonly offset: number;
  /** SET value or INCRBY increment (int64). */
  readonly value: bigint;
  readonly overflow: Overflow;
}

interface BitfieldArgs {
  readonly key: Buffer;
  readonly ops: readonly FieldOp[];
  /** Only GETs: the key is read, never created or grown. */
  readonly readonly: boolean;
  /** The last bit any SET or INCRBY writes. */
  readonly highestWriteBit: number;
}

/** getBitfieldTypeFromArgument: i1..i64 or u1..u63 (the text ends at a NUL, as in C). */
function parseFieldType(arg: Buffer): { signed: boolean; bits: number } | null {
  const nul = arg.indexOf(0);
  const text = nul === -1 ? arg : arg.subarray(0, nul);
  const sign = text[0];
  if (sign !== 0x69 && sign !== 0x75) return null;
  const bits = parseInt64(text.subarray(1));
  const signed = sign === 0x69;
  if (bits === null || bits < 1n || bits > (signed ? 64n : 63n)) return null;
  return { signed, bits: Number(bits) };
}

/** bitfieldGeneric's parsing loop: every subcommand is checked before the key is looked up. */
function parseBitfield(argv: readonly Buffer[], readonlyCommand: boolean): ParseResult<BitfieldArgs> {
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'wrap';
  let readonly = true;
  let highestWriteBit = 0;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j]!;
    let kind: FieldOp['kind'];
    if (eqIgnoreCase(sub, 'get') && remaining >= 2) kind = 'get';
    else if (eqIgnoreCase(sub, 'set') && remaining >= 3) kind = 'set';
    else if (eqIgnoreCase(sub, 'incrby') && remaining >= 3) kind = 'incrby';
    else if (eqIgnoreCase(sub, 'overflow') && remaining >= 1) {
      const mode = argv[++j]!.toString('latin1').toLowerCase();
      if (mode !== 'wrap' && mode !== 'sat' && mode !== 'fail') return fail(E.bitfieldOverflow);
      overflow = mode;
      continue;
    } else return fail(E.syntax);
    const type = parseFieldType(argv[j + 1]!);
    if (type === null) return fail(E.bitfieldType);
    const offset = parseBitOffset(argv[j + 2]!, type.bits);
    if (offset === null) return fail(E.bitOffset);
    let value = 0n;
    if (kind !== 'get') {
      readonly = false;
      highestWriteBit = Math.max(highestWriteBit, offset + type.bits - 1);
      const v = parseInt64(argv[j + 3]!);
      if (v === null) return fail(E.notInteger);
      value = v;
    }
    ops.push({ kind, ...type, offset, value, overflow });
    j += kind === 'get' ? 2 : 3;
  }
  if (!readonly && readonlyCommand) return fail(E.bitfieldRoGetOnly);
  return { key: argv[1]!, ops, readonly, highestWriteBit };
}

/** The bytes a field of `bits` bits at bit `offset` covers: its first byte and the window (≤ 9 bytes). */
function fieldWindow(offset: number, bits: number): { byte: number; bytes: number; bit: number } {
  const byte = byteOf(offset);
  const bit = offset - byte * 8;
  return { byte, bytes: Math.ceil((bit + bits) / 8), bit };
}

const readField = (window: Buffer, bit: number, op: FieldOp): bigint =>
  op.signed ? getSignedBits(window, bit, op.bits) : getUnsignedBits(window, bit, op.bits);

/** One SET or INCRBY: the reply value and what to store, or null for an overflow under FAIL. */
export function applyFieldWrite(old: bigint, op: FieldOp): { reply: bigint; store: bigint } | null {
  const check = op.signed ? checkSignedOverflow : checkUnsignedOverflow;
  if (op.kind === 'incrby') {
    const c = check(old, op.value, op.bits, op.overflow);
    if (c.overflow !== 0 && op.overflow === 'fail') return null;
    const next = c.overflow !== 0 ? c.limit! : old + op.value;
    return { reply: next, store: next };
  }
  // SET checks the new value as C does: unsigned fields see it cast to uint64.
  const value = op.signed ? op.value : BigInt.asUintN(64, op.value);
  const c = check(value, 0n, op.bits, op.overflow);
  if (c.overflow !== 0 && op.overflow === 'fail') return null;
  return { reply: old, store: c.overflow !== 0 ? c.limit! : value };
}

/** GETs over a stored (or missing) string, for BITFIELD_RO and BITFIELD with only GETs. */
async function bitfieldRead(ks: Keyspace, db: number, a: BitfieldArgs): Promise<Reply> {
  const meta = await stringMetaOf(ks, db, a.key);
  if (meta === WRONGTYPE) return E.wrongType;
  const replies: Reply[] = [];
  for (const op of a.ops) {
    const w = fieldWindow(op.offset, op.bits);
    const window = Buffer.alloc(9);
    if (meta !== null) (await readStringRange(ks, db, a.key, meta, w.byte, w.byte + w.bytes)).copy(window);
    replies.push(int(readField(window, w.bit, op)));
  }
  return array(replies);
}

const bitfieldMeta = (name: string, summary: string) => ({
  arity: -2,
  keys: K1,
  docs: docs(summary, name === 'bitfield' ? '3.2.0' : '6.0.0', 'O(1) for each subcommand specified'),
});

const bitfield = writeCommand(
  'bitfield',
  { ...bitfieldMeta('bitfield', 'Performs arbitrary bitfield integer operations on strings.'), flags: ['write', 'denyoom'], acl: ['@write', '@bitmap', '@slow'] },
  (argv) => parseBitfield(argv, false),
  async (ctx, a) => {
    if (a.ops.some((op) => byteOf(op.offset) >= ctx.maxBulkBytes)) return E.bitOffset;
    if (a.readonly) return bitfieldRead(ctx.ks, ctx.db, a);
    const s = await StringEditor.open(ctx.ks, ctx.db, a.key);
    if (s === WRONGTYPE) return E.wrongType;
    // The string is grown to the farthest bit written before any op runs, even ops that fail.
    s.grow(byteOf(a.highestWriteBit) + 1);
    const replies: Reply[] = [];
    for (const op of a.ops) {
      const w = fieldWindow(op.offset, op.bits);
      const window = await s.read(w.byte, w.bytes);
      const old = readField(window, w.bit, op);
      if (op.kind === 'get') {
        replies.push(int(old));
        continue;
      }
      const result = applyFieldWrite(old, op);
      if (result === null) {
        replies.push(NULL);
        continue;
      }
      setBits(window, w.bit, op.bits, result.store);
      await s.write(w.byte, window);
      replies.push(int(result.reply));
    }
    await s.commit();
    return array(replies);
  },
);

const bitfieldRo = readCommand(
  'bitfield_ro',
  { ...bitfieldMeta('bitfield_ro', 'Performs arbitrary read-only bitfield integer operations on strings.'), flags: ['readonly', 'fast'], acl: ['@read', '@bitmap', '@fast'] },
  (argv) => parseBitfield(argv, true),
  (ctx, a) => bitfieldRead(ctx.ks, ctx.db, a),
);

export const bitmapCommands: Command[] = [setbit, getbit, bitcount, bitpos, bitop, bitfield, bitfieldRo];
