// The sparse representation's algorithms, ported from hyperloglog.c step by step (including
// what they do with corrupt opcodes), so values and errors match redis-server's exactly.
import {
  denseRaise,
  denseSet,
  encodingOf,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE_VAL_MAX_LEN,
  HLL_SPARSE_VAL_MAX_VALUE,
  HLL_SPARSE_ZERO_MAX_LEN,
  invalidateCache,
  setEncoding,
  sparseIsVal,
  sparseIsXzero,
  sparseIsZero,
  sparseValLen,
  sparseValSet,
  sparseValValue,
  sparseXzeroLen,
  sparseXzeroSet,
  sparseZeroLen,
  sparseZeroSet,
} from './layout.js';
import { SdsBuffer } from './sds-buffer.js';
import { assert } from '../../util/assert.js';

/** Redis's default hll-sparse-max-bytes; fixed, since every replica must promote at the same size. */
export const HLL_SPARSE_MAX_BYTES = 3000;

/** An HLL value being modified; `s` is replaced when the representation changes. */
export interface HllObject {
  s: SdsBuffer;
}

/**
 * hllSparseToDense: false when the opcodes do not cover exactly HLL_REGISTERS registers. As in
 * redis-server 7.0.15 with the CVE-2025-32023 fix, any opcode running past the last register
 * makes the value corrupt, even one following opcodes that already covered them all.
 */
export function sparseToDense(o: HllObject): boolean {
  const sparse = o.s;
  if (encodingOf(sparse.bytes) === HLL_DENSE) return true;
  const dense = SdsBuffer.zeroed(HLL_DENSE_SIZE);
  // Magic and cached cardinality are copied, the encoding changes.
  dense.bytes.set(sparse.bytes.subarray(0, HLL_HDR_SIZE));
  setEncoding(dense, HLL_DENSE);
  const ok = walkSparse(sparse, (idx, runlen, regval) => {
    if (regval === 0) return;
    for (let i = 0; i < runlen; i++) denseSet(dense.bytes, HLL_HDR_SIZE, idx + i, regval);
  });
  if (!ok) return false;
  o.s = dense;
  return true;
}

/**
 * Walks the sparse opcodes, calling `onRun` for every run of registers (regval 0 for ZERO and
 * XZERO): the loop of hllSparseToDense, hllMerge and hllSparseRegHisto. False when an opcode
 * would pass the last register or the opcodes end short of it.
 */
function walkSparse(s: SdsBuffer, onRun: (idx: number, runlen: number, regval: number) => void): boolean {
  const b = s.bytes;
  const end = s.len;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = b[p]!;
    let runlen: number;
    if (sparseIsZero(op)) runlen = sparseZeroLen(op);
    else if (sparseIsXzero(op)) runlen = sparseXzeroLen(b, p);
    else runlen = sparseValLen(op);
    if (runlen + idx > HLL_REGISTERS) return false;
    onRun(idx, runlen, sparseIsVal(op) ? sparseValValue(op) : 0);
    idx += runlen;
    p += sparseIsXzero(op) ? 2 : 1;
  }
  return idx === HLL_REGISTERS;
}

/**
 * hllSparseSet: raises register `index` to `count`, splitting and re-merging opcodes in place,
 * promoting to dense when `count` exceeds what VAL can hold or the value would outgrow
 * HLL_SPARSE_MAX_BYTES. Returns 1 when a register changed, 0 when not, -1 for corrupt opcodes.
 */
export function sparseSet(o: HllObject, index: number, count: number): -1 | 0 | 1 {
  if (count > HLL_SPARSE_VAL_MAX_VALUE) return promote(o, index, count);
  // The worst split (XZERO -> XZERO VAL XZERO) grows the value by 3 bytes.
  o.s.makeRoomFor(3);
  const s = o.s;
  const b = s.bytes;
  const sparse = HLL_HDR_SIZE;
  let end = s.len;

  // Step 1: find the opcode covering `index`.
  let p = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    let oplen = 1;
    const op = b[p]!;
    if (sparseIsZero(op)) span = sparseZeroLen(op);
    else if (sparseIsVal(op)) span = sparseValLen(op);
    else {
      span = sparseXzeroLen(b, p);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  let next = sparseIsXzero(b[p]!) ? p + 2 : p + 1;
  if (next >= end) next = -1;

  const op = b[p]!;
  const isZero = sparseIsZero(op);
  const isXzero = sparseIsXzero(op);
  const isVal = !isZero && !isXzero;
  const runlen = isZero ? sparseZeroLen(op) : isXzero ? sparseXzeroLen(b, p) : sparseValLen(op);

  let updatedInPlace = false;
  if (isVal) {
    // A) already at least `count`; B) a run of one: rewrite it.
    if (sparseValValue(op) >= count) return 0;
    if (runlen === 1) {
      sparseValSet(b, p, count, 1);
      updatedInPlace = true;
    }
  }
  // C) a ZERO run of one becomes a VAL.
  if (!updatedInPlace && isZero && runlen === 1) {
    sparseValSet(b, p, count, 1);
    updatedInPlace = true;
  }

  if (!updatedInPlace) {
    // D) split the opcode into up to three: before, the new VAL, after.
    const seq = new Uint8Array(5);
    let n = 0;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index !== first) n += zeroRun(seq, n, index - first);
      sparseValSet(seq, n++, count, 1);
      if (index !== last) n += zeroRun(seq, n, last - index);
    } else {
      const curval = sparseValValue(op);
      if (index !== first) sparseValSet(seq, n++, curval, index - first);
      sparseValSet(seq, n++, count, 1);
      if (index !== last) sparseValSet(seq, n++, curval, last - index);
    }
    // Step 3: put the new sequence in place of the old opcode.
    const seqlen = n;
    const oldlen = isXzero ? 2 : 1;
    const deltalen = seqlen - oldlen;
    if (deltalen > 0 && s.len + deltalen > HLL_SPARSE_MAX_BYTES) return promote(o, index, count);
    if (deltalen !== 0 && next !== -1) b.copyWithin(next + deltalen, next, end);
    s.incrLen(deltalen);
    // As in C this runs after the terminator is written: a split of a truncated trailing XZERO
    // spills one byte onto it.
    assert(p + seqlen <= s.len + 1, 'sparse split wrote past the terminator');
    b.set(seq.subarray(0, seqlen), p);
    end += deltalen;
  }

  // Step 4: merge adjacent VALs of equal value, scanning up to 5 opcodes from the previous one.
  p = prev !== -1 ? prev : sparse;
  let scanlen = 5;
  while (p < end && scanlen-- > 0) {
    const cur = b[p]!;
    if (sparseIsXzero(cur)) {
      p += 2;
      continue;
    } else if (sparseIsZero(cur)) {
      p++;
      continue;
    }
    if (p + 1 < end && sparseIsVal(b[p + 1]!)) {
      const v1 = sparseValValue(cur);
      const v2 = sparseValValue(b[p + 1]!);
      if (v1 === v2) {
        const len = sparseValLen(cur) + sparseValLen(b[p + 1]!);
        if (len <= HLL_SPARSE_VAL_MAX_LEN) {
          sparseValSet(b, p + 1, v1, len);
          // memmove(p, p+1, end-p): moves the terminator position's byte down too.
          b.copyWithin(p, p + 1, end + 1);
          s.incrLen(-1);
          end--;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(s);
  return 1;
}

/** An XZERO or ZERO opcode for `len` zero registers at seq[n]; returns its size. */
function zeroRun(seq: Uint8Array, n: number, len: number): number {
  if (len > HLL_SPARSE_ZERO_MAX_LEN) {
    sparseXzeroSet(seq, n, len);
    return 2;
  }
  sparseZeroSet(seq, n, len);
  return 1;
}

/** The promote: label of hllSparseSet: convert, then set the register densely. */
function promote(o: HllObject, index: number, count: number): -1 | 1 {
  if (!sparseToDense(o)) return -1;
  const changed = denseRaise(o.s, index, count);
  // Promotion only happens for a register that needs raising.
  assert(changed, 'promoted sparse HLL did not change the register');
  return 1;
}

/**
 * hllSparseRegHisto: adds the sparse registers to `histo` (VAL values are at most 32). False when
 * the opcodes do not cover exactly HLL_REGISTERS registers; the histogram is then not used, so
 * stopping at the first overflowing opcode changes nothing.
 */
export function sparseHistogram(s: SdsBuffer, histo: Int32Array): boolean {
  return walkSparse(s, (_idx, runlen, regval) => {
    histo[regval]! += runlen;
  });
}

/** The sparse half of hllMerge: max[i] = max(max[i], register i); false for corrupt opcodes. */
export function sparseMergeInto(s: SdsBuffer, max: Uint8Array): boolean {
  return walkSparse(s, (idx, runlen, regval) => {
    if (regval === 0) return;
    for (let i = idx; i < idx + runlen; i++) if (regval > max[i]!) max[i] = regval;
  });
}
