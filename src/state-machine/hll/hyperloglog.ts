// PFADD, PFCOUNT and PFMERGE on HyperLogLog string values, as pure functions of bytes: what
// hyperloglog.c's commands do to a value, without the keyspace. Callers check isHllValue first.
import { estimateCardinality, HISTOGRAM_SLOTS } from './estimator.js';
import {
  cachedCardinality,
  createHll,
  denseGet,
  denseHistogram,
  denseRaise,
  encodingOf,
  HLL_DENSE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  invalidateCache,
  patternOf,
  sparseIsXzero,
  sparseIsZero,
  sparseValLen,
  sparseValValue,
  sparseXzeroLen,
  sparseZeroLen,
} from './layout.js';
import { SdsBuffer } from './sds-buffer.js';
import { sparseHistogram, sparseMergeInto, sparseSet, sparseToDense, type HllObject } from './sparse.js';

export { isHllValue } from './layout.js';

export interface AddResult {
  /** PFADD's reply: a register changed (or the key was created), nothing changed, or corrupt opcodes. */
  readonly outcome: 'updated' | 'unchanged' | 'corrupt';
  /** The bytes to store, or null when the value is unchanged. Set even on 'corrupt': Redis keeps
   * what the elements before the corrupt spot already changed. */
  readonly value: Buffer | null;
}

/** PFADD: adds `elements` to the HLL `current` (null = a new key). */
export function addElements(current: Uint8Array | null, elements: readonly Uint8Array[]): AddResult {
  const o: HllObject = { s: current === null ? createHll() : SdsBuffer.from(current) };
  let updated = current === null;
  for (const element of elements) {
    const { index, count } = patternOf(element);
    let r: -1 | 0 | 1;
    const encoding = encodingOf(o.s.bytes);
    if (encoding === HLL_DENSE) r = denseRaise(o.s, index, count) ? 1 : 0;
    else if (encoding === HLL_SPARSE) r = sparseSet(o, index, count);
    else r = -1;
    if (r === -1) return { outcome: 'corrupt', value: changedBytes(o.s, current) };
    if (r === 1) updated = true;
  }
  if (!updated) return { outcome: 'unchanged', value: null };
  invalidateCache(o.s);
  return { outcome: 'updated', value: o.s.toBuffer() };
}

function changedBytes(s: SdsBuffer, before: Uint8Array | null): Buffer | null {
  return before !== null && s.equals(before) ? null : s.toBuffer();
}

/**
 * PFCOUNT of one key: the cached cardinality when valid, else the estimate ('corrupt' for bad
 * sparse opcodes). The result is the uint64 Redis replies with as a signed 64-bit integer.
 */
export function countOne(value: Uint8Array): bigint | 'corrupt' {
  const cached = cachedCardinality(value);
  if (cached !== null) return cached;
  const histo = new Int32Array(HISTOGRAM_SLOTS);
  if (encodingOf(value) === HLL_DENSE) denseHistogram(value, histo);
  else if (!sparseHistogram(SdsBuffer.from(value), histo)) return 'corrupt';
  return estimateCardinality(histo);
}

/** The value of PFCOUNT's reply for a uint64 cardinality (addReplyLongLong of a uint64_t). */
export function cardinalityReply(card: bigint): bigint {
  return BigInt.asIntN(64, card);
}

/** hllMerge: raises max[i] to register i of `value`; false for corrupt sparse opcodes. */
export function mergeRegisters(max: Uint8Array, value: Uint8Array): boolean {
  if (encodingOf(value) === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(value, HLL_HDR_SIZE, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  // Sparse opcodes may read the terminator byte: walk an sds copy.
  return sparseMergeInto(SdsBuffer.from(value), max);
}

/** One register per byte, the union PFCOUNT and PFMERGE accumulate into. */
export function emptyRegisters(): Uint8Array {
  return new Uint8Array(HLL_REGISTERS);
}

/** PFCOUNT of several keys: the estimate over merged registers (hllCount on HLL_RAW). */
export function countRegisters(max: Uint8Array): bigint {
  const histo = new Int32Array(HISTOGRAM_SLOTS);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]!]!++;
  return estimateCardinality(histo);
}

/** Whether a (valid) HLL value is dense: PFMERGE then writes a dense destination. */
export function isDense(value: Uint8Array): boolean {
  return encodingOf(value) === HLL_DENSE;
}

/**
 * PFMERGE's write: the destination (null = new key), made dense when `dense`, with every
 * register raised to `max`, cache invalidated. 'corrupt' when it cannot be made dense.
 */
export function writeMerged(dest: Uint8Array | null, max: Uint8Array, dense: boolean): Buffer | 'corrupt' {
  const o: HllObject = { s: dest === null ? createHll() : SdsBuffer.from(dest) };
  if (dense && !sparseToDense(o)) return 'corrupt';
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j]!;
    if (v === 0) continue;
    // As in pfmergeCommand the result of a sparse set is not checked: a destination whose
    // opcodes cannot take a register keeps what it has.
    if (encodingOf(o.s.bytes) === HLL_DENSE) denseRaise(o.s, j, v);
    else if (encodingOf(o.s.bytes) === HLL_SPARSE) sparseSet(o, j, v);
  }
  invalidateCache(o.s);
  return o.s.toBuffer();
}

/** PFDEBUG TODENSE / GETREG: the value converted to dense, null when it already is, or 'corrupt'. */
export function toDense(value: Uint8Array): Buffer | null | 'corrupt' {
  if (encodingOf(value) === HLL_DENSE) return null;
  const o: HllObject = { s: SdsBuffer.from(value) };
  return sparseToDense(o) ? o.s.toBuffer() : 'corrupt';
}

/** PFDEBUG GETREG: every register of a dense value. */
export function denseRegisters(value: Uint8Array): number[] {
  const out: number[] = new Array<number>(HLL_REGISTERS);
  for (let j = 0; j < HLL_REGISTERS; j++) out[j] = denseGet(value, HLL_HDR_SIZE, j);
  return out;
}

/** PFDEBUG DECODE: the opcodes of a sparse value as "z:len", "Z:len" and "v:value,len" words. */
export function describeSparse(value: Uint8Array): string {
  const s = SdsBuffer.from(value);
  const words: string[] = [];
  for (let p = HLL_HDR_SIZE; p < s.len; ) {
    const op = s.bytes[p]!;
    if (sparseIsZero(op)) {
      words.push(`z:${sparseZeroLen(op)}`);
      p++;
    } else if (sparseIsXzero(op)) {
      words.push(`Z:${sparseXzeroLen(s.bytes, p)}`);
      p += 2;
    } else {
      words.push(`v:${sparseValValue(op)},${sparseValLen(op)}`);
      p++;
    }
  }
  return words.join(' ');
}
