// The nemesis schedule and partition shapes: pure functions of the seed and the node ids.
import { describe, expect, it } from 'vitest';
import { NEMESIS_VARIANTS, parseNemeses, type NemesisVariant } from '../../chaos/options.js';
import { bridge, describeCut, halves, isolate, link, majoritiesRing, type Link } from '../../chaos/partitions.js';
import { familyOf, generateSchedule } from '../../chaos/schedule.js';

const ALL: NemesisVariant[] = Object.values(NEMESIS_VARIANTS).flat();
const nodes5 = [1, 2, 3, 4, 5];

/** Which nodes each node can reach (itself included) under `cut`. */
function reach(cut: readonly Link[], all: readonly number[]): Map<number, number[]> {
  const blocked = new Set(cut.map(([a, b]) => `${a}-${b}`));
  return new Map(all.map((x) => [x, all.filter((y) => x === y || !blocked.has(`${link(x, y)[0]}-${link(x, y)[1]}`))]));
}

describe('generateSchedule', () => {
  const input = { seed: 42, nodeIds: nodes5, timeMs: 120_000, variants: ALL, intervalMs: 5000 };

  it('is a function of the seed', () => {
    expect(generateSchedule(input)).toEqual(generateSchedule(input));
    expect(generateSchedule({ ...input, seed: 43 })).not.toEqual(generateSchedule(input));
  });

  it('keeps faults inside the run and never overlaps two faults of one family', () => {
    for (let seed = 0; seed < 50; seed++) {
      const s = generateSchedule({ ...input, seed });
      expect(s.length).toBeGreaterThan(5);
      for (const f of s) {
        expect(f.startMs).toBeGreaterThan(0);
        expect(f.endMs).toBeGreaterThan(f.startMs);
        expect(f.endMs).toBeLessThanOrEqual(input.timeMs);
      }
      for (const a of s) for (const b of s) {
        if (a.id < b.id && familyOf(a.variant) === familyOf(b.variant)) expect(a.endMs <= b.startMs || b.endMs <= a.startMs).toBe(true);
      }
    }
  });

  it('uses only the enabled variants, combines families sometimes, and targets real nodes', () => {
    const seen = new Set<string>();
    let combined = 0;
    for (let seed = 0; seed < 30; seed++) {
      const s = generateSchedule({ ...input, seed });
      for (const f of s) {
        seen.add(f.variant);
        if (s.some((g) => g.id !== f.id && g.startMs === f.startMs)) combined++;
        if (f.fault.kind === 'kill' && f.fault.target === 'majority') expect(f.fault.nodes).toHaveLength(3);
        if (f.fault.kind === 'partition') expect([...f.fault.order].sort()).toEqual(nodes5);
        if (f.fault.kind === 'skew') expect(Math.abs(f.fault.offsetMs)).toBeGreaterThanOrEqual(1000);
      }
    }
    expect([...seen].sort()).toEqual([...ALL].sort());
    expect(combined).toBeGreaterThan(0);
    const onlyKill = generateSchedule({ ...input, variants: parseNemeses('kill') });
    expect(onlyKill.every((f) => f.fault.kind === 'kill')).toBe(true);
    expect(generateSchedule({ ...input, variants: [] })).toEqual([]);
  });
});

describe('parseNemeses', () => {
  it('expands families, accepts variants and none, rejects unknown names', () => {
    expect(parseNemeses('pause')).toEqual(['pause-random', 'pause-leader']);
    expect(parseNemeses('kill-leader,partition-ring')).toEqual(['kill-leader', 'partition-ring']);
    expect(parseNemeses('none')).toEqual([]);
    expect(() => parseNemeses('flood')).toThrow(/unknown nemesis "flood"/);
  });
});

describe('partition shapes', () => {
  it('halves: two sides that cannot see each other', () => {
    const r = reach(halves([3, 1, 5, 2, 4]), nodes5);
    expect(r.get(3)).toEqual([1, 3]);
    expect(r.get(5)).toEqual([2, 4, 5]);
  });

  it('isolate: one node alone', () => {
    const r = reach(isolate(2, nodes5), nodes5);
    expect(r.get(2)).toEqual([2]);
    expect(r.get(1)).toEqual([1, 3, 4, 5]);
  });

  it('majorities ring: every node sees a majority, no two the same one', () => {
    for (const n of [5, 7, 9]) {
      const all = Array.from({ length: n }, (_, i) => i + 1);
      const r = reach(majoritiesRing([...all].reverse()), all);
      const views = new Set<string>();
      for (const [, seen] of r) {
        expect(seen.length).toBeGreaterThanOrEqual(Math.floor(n / 2) + 1);
        views.add(seen.join(','));
      }
      expect(views.size).toBe(n);
    }
  });

  it('bridge: two sides joined only through the middle node', () => {
    const cut = bridge([1, 2, 3, 4, 5]);
    const r = reach(cut, nodes5);
    expect(r.get(3)).toEqual(nodes5);
    expect(r.get(1)).toEqual([1, 2, 3]);
    expect(r.get(5)).toEqual([3, 4, 5]);
    expect(describeCut(cut, nodes5)).toBe('1→{2,3} 2→{1,3} 3→{1,2,4,5} 4→{3,5} 5→{3,4}');
    expect(describeCut([], nodes5)).toBe('fully connected');
  });
});
