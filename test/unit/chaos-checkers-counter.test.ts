// Hand-written counter histories: Jepsen's bounds, checked by eye.
import { describe, expect, it } from 'vitest';
import { checkCounter, type CounterAdd, type CounterRead } from '../../chaos/checkers/counter.js';

const add = (delta: number, outcome: CounterAdd['outcome'], callNs: number, returnNs: number | null): CounterAdd => ({
  process: 1, delta, outcome, callNs, returnNs,
});
const read = (value: number, callNs: number, returnNs: number): CounterRead => ({ process: 2, value, callNs, returnNs });
const fin = (value: number): CounterRead => read(value, 1000, 1001);

describe('counter checker', () => {
  it('accepts reads between the certain and the possible sum', () => {
    const adds = [add(1, 'ok', 0, 10), add(2, 'ok', 5, 30), add(4, 'unknown', 40, null), add(8, 'fail', 0, 10)];
    // Read at [20, 25]: 1 certain, 2 possible -> [1, 3]. Read at [50, 60]: 3 certain, 4 possible -> [3, 7].
    const v = checkCounter({ adds, reads: [read(0, 0, 1), read(1, 20, 25), read(3, 20, 25), read(3, 50, 60), read(7, 50, 60)], finalRead: fin(7) });
    expect(v).toMatchObject({ ok: true, errors: [], finalLower: 3, finalUpper: 7, finalValue: 7 });
    expect(v.message).toMatch(/^counter ok/);
  });

  it('rejects a read above what could have been applied', () => {
    const bad = read(4, 20, 25);
    const v = checkCounter({ adds: [add(1, 'ok', 0, 10), add(2, 'ok', 5, 30), add(8, 'fail', 0, 10)], reads: [bad], finalRead: fin(3) });
    expect(v.ok).toBe(false);
    expect(v.errors).toEqual([{ read: bad, lower: 1, upper: 3 }]);
    expect(v.errorCount).toBe(1);
  });

  it('rejects a read below what was certainly applied, and a lost final increment', () => {
    const bad = read(0, 20, 25);
    const v = checkCounter({ adds: [add(1, 'ok', 0, 10), add(2, 'ok', 5, 15)], reads: [bad], finalRead: fin(1) });
    expect(v.ok).toBe(false);
    expect(v.errors).toEqual([{ read: bad, lower: 3, upper: 3 }, { read: fin(1), lower: 3, upper: 3 }]);
    expect(v.message).toMatch(/final value 1 NOT in \[3, 3\]/);
  });

  it('treats a tie between an add returning and a read starting as concurrent', () => {
    expect(checkCounter({ adds: [add(5, 'ok', 0, 10)], reads: [read(0, 10, 12)], finalRead: fin(5) }).ok).toBe(true);
    expect(checkCounter({ adds: [add(5, 'ok', 12, 20)], reads: [read(5, 10, 12)], finalRead: fin(5) }).ok).toBe(true);
    expect(checkCounter({ adds: [add(5, 'ok', 13, 20)], reads: [read(5, 10, 12)], finalRead: fin(5) }).ok).toBe(false);
  });

  it('handles negative deltas: a possible decrement lowers the lower bound', () => {
    const adds = [add(10, 'ok', 0, 10), add(-3, 'unknown', 15, null), add(-4, 'ok', 20, 30)];
    // Read at [22, 25]: certain +10; possible -3 and -4 -> [3, 10]. Later: certain +6, possible -3 -> [3, 6].
    const v = checkCounter({ adds, reads: [read(3, 22, 25), read(10, 22, 25), read(6, 40, 41)], finalRead: fin(3) });
    expect(v.ok).toBe(true);
    const bad = checkCounter({ adds, reads: [read(2, 22, 25), read(11, 22, 25), read(7, 40, 41)], finalRead: fin(2) });
    expect(bad.ok).toBe(false);
    expect(bad.errors.map((e) => [e.read.value, e.lower, e.upper])).toEqual([[2, 3, 10], [11, 3, 10], [7, 3, 6], [2, 3, 6]]);
  });

  it('starts from the given initial value', () => {
    expect(checkCounter({ adds: [add(1, 'ok', 0, 10)], reads: [], finalRead: fin(101), initial: 100 }).ok).toBe(true);
    expect(checkCounter({ adds: [add(1, 'ok', 0, 10)], reads: [], finalRead: fin(1), initial: 100 }).ok).toBe(false);
  });

  it('throws on a malformed history', () => {
    expect(() => checkCounter({ adds: [add(1.5, 'ok', 0, 10)], reads: [], finalRead: fin(0) })).toThrow(/safe integer/);
    expect(() => checkCounter({ adds: [add(1, 'ok', 0, null)], reads: [], finalRead: fin(0) })).toThrow(/without returnNs/);
  });
});
