// The set and counter checkers on hand-made histories: valid ones, and each anomaly.
import { describe, expect, it } from 'vitest';
import { checkCounter, type CounterAdd, type CounterRead } from '../../chaos/checkers/counter.js';
import { checkSet, type SetAdd, type SetRead } from '../../chaos/checkers/set.js';

const add = (element: string, outcome: SetAdd['outcome'], callNs: number, returnNs: number | null): SetAdd => ({ process: 0, element, outcome, callNs, returnNs });
const read = (elements: string[], callNs: number, returnNs: number): SetRead => ({ process: 1, elements, callNs, returnNs });

describe('checkSet', () => {
  it('accepts a valid history, counting unknown adds that made it', () => {
    const r = checkSet({ adds: [add('a', 'ok', 0, 1), add('b', 'unknown', 2, null), add('c', 'fail', 3, 4)], reads: [read(['a'], 2, 3)], finalRead: read(['a', 'b'], 10, 11) });
    expect(r).toMatchObject({ ok: true, attempted: 3, acknowledged: 1, lost: [], unexpected: [], recovered: ['b'], staleReads: [] });
  });

  it('finds lost elements', () => {
    const r = checkSet({ adds: [add('a', 'ok', 0, 1), add('b', 'ok', 0, 1)], reads: [], finalRead: read(['a'], 10, 11) });
    expect(r.ok).toBe(false);
    expect(r.lost).toEqual(['b']);
  });

  it('finds unexpected elements, including ones whose add definitely failed', () => {
    const r = checkSet({ adds: [add('a', 'fail', 0, 1)], reads: [read(['z'], 2, 3)], finalRead: read(['a'], 10, 11) });
    expect(r.unexpected).toEqual(['a', 'z']);
    expect(r.ok).toBe(false);
  });

  it('finds stale reads: an acknowledged add, or an element an earlier read saw, missing', () => {
    const r = checkSet({
      adds: [add('a', 'ok', 0, 1), add('b', 'unknown', 0, null)],
      reads: [read([], 2, 3), read(['a', 'b'], 4, 5), read(['a'], 6, 7)],
      finalRead: read(['a', 'b'], 10, 11),
    });
    expect(r.ok).toBe(false);
    expect(r.staleReads.map((s) => [s.read.callNs, s.missing])).toEqual([
      [2, ['a']],
      [6, ['b']],
    ]);
  });

  it('does not call a read concurrent with the add stale', () => {
    const r = checkSet({ adds: [add('a', 'ok', 0, 5)], reads: [read([], 4, 6)], finalRead: read(['a'], 10, 11) });
    expect(r.ok).toBe(true);
  });
});

const inc = (delta: number, outcome: CounterAdd['outcome'], callNs: number, returnNs: number | null): CounterAdd => ({ process: 0, delta, outcome, callNs, returnNs });
const get = (value: number, callNs: number, returnNs: number): CounterRead => ({ process: 1, value, callNs, returnNs });

describe('checkCounter', () => {
  it('accepts values between acknowledged and attempted', () => {
    const adds = [inc(2, 'ok', 0, 1), inc(3, 'unknown', 2, null), inc(5, 'fail', 2, 3)];
    const r = checkCounter({ adds, reads: [get(2, 4, 5), get(5, 6, 7)], finalRead: get(5, 10, 11) });
    expect(r).toMatchObject({ ok: true, finalLower: 2, finalUpper: 5, finalValue: 5, errors: [] });
  });

  it('finds a lost increment (value below the acknowledged sum)', () => {
    const r = checkCounter({ adds: [inc(2, 'ok', 0, 1), inc(3, 'ok', 0, 1)], reads: [], finalRead: get(2, 10, 11) });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ read: get(2, 10, 11), lower: 5, upper: 5 }]);
  });

  it('finds a phantom increment (value above anything attempted, or a failed add applied)', () => {
    const r = checkCounter({ adds: [inc(2, 'ok', 0, 1), inc(4, 'fail', 0, 1)], reads: [get(6, 2, 3)], finalRead: get(2, 10, 11) });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.read.value, e.lower, e.upper])).toEqual([[6, 2, 2]]);
  });

  it('a read only bounds by what was invoked before it returned', () => {
    const r = checkCounter({ adds: [inc(1, 'ok', 0, 1), inc(7, 'ok', 20, 21)], reads: [get(8, 2, 3)], finalRead: get(8, 30, 31) });
    expect(r.errors.map((e) => e.read.value)).toEqual([8]);
  });
});
