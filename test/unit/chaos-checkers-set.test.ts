// Hand-written grow-only set histories, each small enough to decide by eye.
import { describe, expect, it } from 'vitest';
import { checkSet, type SetAdd, type SetRead } from '../../chaos/checkers/set.js';

const add = (element: string, outcome: SetAdd['outcome'], callNs: number, returnNs: number | null, process = 1): SetAdd => ({
  process, element, outcome, callNs, returnNs,
});
const read = (elements: string[], callNs: number, returnNs: number, process = 2): SetRead => ({ process, elements, callNs, returnNs });
const FINAL_NS = 1000;
const fin = (elements: string[]): SetRead => read(elements, FINAL_NS, FINAL_NS + 1, 99);

describe('set checker', () => {
  it('accepts a history where every acknowledged element survives', () => {
    const v = checkSet({
      adds: [add('a', 'ok', 0, 10), add('b', 'ok', 5, 20), add('c', 'fail', 30, 40), add('d', 'unknown', 50, null)],
      // b is concurrent with the first read: either answer is fine.
      reads: [read([], 0, 2), read(['a'], 12, 15), read(['a', 'b'], 25, 26)],
      finalRead: fin(['a', 'b']),
    });
    expect(v).toMatchObject({ ok: true, attempted: 4, acknowledged: 2, lost: [], unexpected: [], recovered: [], staleReads: [], prematureReads: [] });
    expect(v.message).toMatch(/^set ok/);
  });

  it('counts an unknown add present at the end as recovered, not as a problem', () => {
    const v = checkSet({ adds: [add('d', 'unknown', 0, null)], reads: [read(['d'], 10, 11)], finalRead: fin(['d']) });
    expect(v.ok).toBe(true);
    expect(v.recovered).toEqual(['d']);
  });

  it('reports an acknowledged element missing at the end as lost', () => {
    const v = checkSet({ adds: [add('a', 'ok', 0, 10), add('b', 'ok', 0, 10)], reads: [], finalRead: fin(['b']) });
    expect(v.ok).toBe(false);
    expect(v.lost).toEqual(['a']);
    expect(v.message).toMatch(/1 acknowledged element\(s\) lost: "a"/);
  });

  it('reports elements never attempted or definitely failed as unexpected', () => {
    const v = checkSet({ adds: [add('a', 'ok', 0, 10), add('f', 'fail', 0, 10)], reads: [read(['a', 'ghost'], 20, 30)], finalRead: fin(['a', 'f']) });
    expect(v.ok).toBe(false);
    expect(v.unexpected).toEqual(['f', 'ghost']);
  });

  it('an element added twice counts by its best outcome', () => {
    const v = checkSet({ adds: [add('a', 'fail', 0, 10), add('a', 'ok', 20, 30)], reads: [], finalRead: fin(['a']) });
    expect(v).toMatchObject({ ok: true, attempted: 1, acknowledged: 1 });
  });

  it('reports a read missing an element acknowledged before it was invoked as stale', () => {
    const stale = read(['b'], 20, 30);
    const v = checkSet({ adds: [add('a', 'ok', 0, 10), add('b', 'ok', 0, 10)], reads: [stale], finalRead: fin(['a', 'b']) });
    expect(v.ok).toBe(false);
    expect(v.lost).toEqual([]);
    expect(v.staleReads).toEqual([{ read: stale, missing: ['a'] }]);
  });

  it('reports a read missing an element an earlier read returned (unknown add) as stale', () => {
    const stale = read([], 30, 40);
    const v = checkSet({ adds: [add('u', 'unknown', 0, null)], reads: [read(['u'], 10, 20), stale], finalRead: fin(['u']) });
    expect(v.ok).toBe(false);
    expect(v.staleReads).toEqual([{ read: stale, missing: ['u'] }]);
  });

  it('reports an unknown add that a read saw but the final read lacks', () => {
    const final = fin([]);
    const v = checkSet({ adds: [add('u', 'unknown', 0, null), add('a', 'ok', 0, 10)], reads: [read(['u'], 10, 20)], finalRead: final });
    expect(v.ok).toBe(false);
    expect(v.lost).toEqual(['a']);
    expect(v.staleReads).toEqual([{ read: final, missing: ['u'] }]);
  });

  it('does not call a read stale when it overlaps the acknowledgement', () => {
    const v = checkSet({ adds: [add('a', 'ok', 0, 10)], reads: [read([], 10, 30)], finalRead: fin(['a']) });
    expect(v.ok).toBe(true);
  });

  it('reports a read that returned an element before its add was invoked', () => {
    const early = read(['a'], 0, 5);
    const v = checkSet({ adds: [add('a', 'ok', 10, 20)], reads: [early], finalRead: fin(['a']) });
    expect(v.ok).toBe(false);
    expect(v.prematureReads).toEqual([{ read: early, early: ['a'] }]);
  });

  it('throws on a malformed history', () => {
    expect(() => checkSet({ adds: [add('a', 'ok', 10, null)], reads: [], finalRead: fin([]) })).toThrow(/without returnNs/);
    expect(() => checkSet({ adds: [], reads: [read([], 10, 5)], finalRead: fin([]) })).toThrow(/returnNs must be null or >= callNs: call 10, return 5/);
  });
});
