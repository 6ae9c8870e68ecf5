// HyperLogLog values against a model of 16384 registers: whatever the order and chunking of
// PFADDs and PFMERGEs, the value's registers are the per-register maximum of the elements'
// patterns, the estimate from the value (sparse or dense) equals the estimate from the model's
// registers, and the estimate stays within a few standard errors (1.04/sqrt(16384) = 0.81%).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HLL_REGISTERS, patternOf } from '../../src/state-machine/hll/layout.js';
import {
  addElements,
  countOne,
  countRegisters,
  emptyRegisters,
  isDense,
  mergeRegisters,
  writeMerged,
} from '../../src/state-machine/hll/hyperloglog.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function modelOf(elements: readonly Buffer[]): Uint8Array {
  const m = new Uint8Array(HLL_REGISTERS);
  for (const e of elements) {
    const { index, count } = patternOf(e);
    if (count > m[index]!) m[index] = count;
  }
  return m;
}

function registersOf(value: Uint8Array): Uint8Array {
  const max = emptyRegisters();
  expect(mergeRegisters(max, value)).toBe(true);
  return max;
}

/** A value built by PFADDs of `chunks`, in order. */
function built(chunks: readonly (readonly Buffer[])[]): Buffer {
  let v: Buffer | null = null;
  for (const c of chunks) v = addElements(v, c).value ?? v;
  return v ?? addElements(null, []).value!;
}

const elementsArb = fc.array(fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)), { maxLength: 400 });
const chunkedArb = elementsArb.chain((els) =>
  fc.array(fc.nat({ max: Math.max(0, els.length) }), { maxLength: 8 }).map((cuts) => {
    const points = [...new Set([0, ...cuts, els.length])].sort((a, b) => a - b);
    return { els, chunks: points.slice(1).map((end, i) => els.slice(points[i]!, end)) };
  }),
);

describe('HyperLogLog registers against a model', () => {
  it('PFADD in any chunking keeps exactly the per-register maxima, and counts as the raw registers do', () => {
    fc.assert(
      fc.property(chunkedArb, ({ els, chunks }) => {
        const v = built(chunks);
        const model = modelOf(els);
        expect(hex(registersOf(v))).toBe(hex(model));
        expect(countOne(v)).toBe(countRegisters(model));
      }),
      { numRuns: 60, seed: 20261125 },
    );
  });

  it('PFMERGE of any values has the maxima of all of them', () => {
    fc.assert(
      fc.property(fc.array(elementsArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (sets, bigFirst) => {
        // A dense input makes the destination dense, as in pfmergeCommand.
        if (bigFirst) sets[0] = [...sets[0]!, ...Array.from({ length: 3000 }, (_, i) => Buffer.from(`d${i}`))];
        const values = sets.map((s) => built([s]));
        const max = emptyRegisters();
        for (const v of values) expect(mergeRegisters(max, v)).toBe(true);
        const merged = writeMerged(null, max, values.some(isDense)) as Buffer;
        expect(hex(registersOf(merged))).toBe(hex(modelOf(sets.flat())));
      }),
      { numRuns: 30, seed: 7 },
    );
  });

  it('estimates n distinct elements within 6 standard errors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30_000 }), fc.string({ maxLength: 4 }), (n, prefix) => {
        const v = built([Array.from({ length: n }, (_, i) => Buffer.from(`${prefix}:${i}`))]);
        const estimate = Number(countOne(v));
        expect(Math.abs(estimate - n)).toBeLessThanOrEqual(Math.ceil(n * 6 * (1.04 / Math.sqrt(HLL_REGISTERS))) + 1);
      }),
      { numRuns: 25, seed: 99 },
    );
  });
});
