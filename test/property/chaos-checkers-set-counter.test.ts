// Properties of the set and counter checkers: histories recorded from a simulated atomic set or
// counter (each op takes effect at one instant inside its interval; unknown outcomes may take
// effect late or never) are accepted; a lost, phantom or stale element is rejected; counter
// bounds equal a brute force over the definition.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSet, type SetAdd, type SetRead } from '../../chaos/checkers/set.js';
import { checkCounter, type CounterAdd, type CounterRead } from '../../chaos/checkers/counter.js';

interface PlannedOp {
  readonly process: number;
  readonly read: boolean;
  readonly delta: number;
  readonly gap: number;
  readonly duration: number;
  readonly point: number;
  readonly outcome: 'ok' | 'fail' | 'unknown';
  readonly unknownTakesEffect: boolean;
  readonly unknownDelay: number;
}

const plannedOp = (processes: number): fc.Arbitrary<PlannedOp> =>
  fc.record({
    process: fc.nat(processes - 1),
    read: fc.boolean(),
    delta: fc.integer({ min: -3, max: 5 }),
    gap: fc.nat(6),
    duration: fc.nat(25),
    point: fc.double({ min: 0, max: 1, noNaN: true }),
    outcome: fc.constantFrom<PlannedOp['outcome']>('ok', 'ok', 'ok', 'ok', 'fail', 'unknown'),
    unknownTakesEffect: fc.boolean(),
    unknownDelay: fc.nat(200),
  });

const plans = fc.integer({ min: 1, max: 8 }).chain((processes) => fc.array(plannedOp(processes), { minLength: 1, maxLength: 80 }));

interface Timed {
  callNs: number;
  returnNs: number | null;
  /** When it takes effect, or null if never. */
  atNs: number | null;
  process: number;
  seq: number;
}

/** Times each planned op; reads always complete (the checkers only get successful reads). */
function schedule(plan: readonly PlannedOp[]): { timed: Timed[]; endNs: number } {
  const clock = new Map<number, number>();
  const generation = new Map<number, number>();
  let endNs = 0;
  const timed = plan.map((p, seq): Timed => {
    const callNs = (clock.get(p.process) ?? 0) + p.gap;
    const returnNs = callNs + p.duration;
    const gen = generation.get(p.process) ?? 0;
    const process = p.process * 1000 + gen;
    endNs = Math.max(endNs, returnNs);
    if (!p.read && p.outcome === 'unknown') {
      generation.set(p.process, gen + 1);
      clock.set(p.process, returnNs);
      const at = callNs + p.point * (p.duration + p.unknownDelay);
      endNs = Math.max(endNs, at);
      return { callNs, returnNs: null, atNs: p.unknownTakesEffect ? at : null, process, seq };
    }
    clock.set(p.process, returnNs + 1);
    const effective = p.read || p.outcome === 'ok';
    return { callNs, returnNs, atNs: effective ? callNs + p.point * p.duration : null, process, seq };
  });
  return { timed, endNs };
}

const byEffect = (a: Timed, b: Timed): number => a.atNs! - b.atNs! || a.seq - b.seq;

function simulateSet(plan: readonly PlannedOp[]): { adds: SetAdd[]; reads: SetRead[]; finalRead: SetRead } {
  const { timed, endNs } = schedule(plan);
  const adds: SetAdd[] = [];
  const reads: SetRead[] = [];
  const effects: { t: Timed; add?: SetAdd; read?: SetRead }[] = [];
  plan.forEach((p, i) => {
    const t = timed[i]!;
    if (p.read) {
      const read: SetRead = { process: t.process, elements: [], callNs: t.callNs, returnNs: t.returnNs! };
      reads.push(read);
      effects.push({ t, read });
    } else {
      const add: SetAdd = { process: t.process, element: `e${i}`, outcome: p.outcome, callNs: t.callNs, returnNs: t.returnNs };
      adds.push(add);
      if (t.atNs !== null) effects.push({ t, add });
    }
  });
  effects.sort((x, y) => byEffect(x.t, y.t));
  const set = new Set<string>();
  for (const e of effects) {
    if (e.add !== undefined) set.add(e.add.element);
    else e.read!.elements = [...set];
  }
  return { adds, reads, finalRead: { process: -1, elements: [...set], callNs: endNs + 10, returnNs: endNs + 20 } };
}

function simulateCounter(plan: readonly PlannedOp[]): { adds: CounterAdd[]; reads: CounterRead[]; finalRead: CounterRead } {
  const { timed, endNs } = schedule(plan);
  const adds: CounterAdd[] = [];
  const reads: CounterRead[] = [];
  const effects: { t: Timed; add?: CounterAdd; read?: CounterRead }[] = [];
  plan.forEach((p, i) => {
    const t = timed[i]!;
    if (p.read) {
      const read: CounterRead = { process: t.process, value: 0, callNs: t.callNs, returnNs: t.returnNs! };
      reads.push(read);
      effects.push({ t, read });
    } else {
      const add: CounterAdd = { process: t.process, delta: p.delta, outcome: p.outcome, callNs: t.callNs, returnNs: t.returnNs };
      adds.push(add);
      if (t.atNs !== null) effects.push({ t, add });
    }
  });
  effects.sort((x, y) => byEffect(x.t, y.t));
  let value = 0;
  for (const e of effects) {
    if (e.add !== undefined) value += e.add.delta;
    else e.read!.value = value;
  }
  return { adds, reads, finalRead: { process: -1, value, callNs: endNs + 10, returnNs: endNs + 20 } };
}

/** The counter bounds straight from their definition, one read at a time. */
function bruteBounds(adds: CounterAdd[], read: CounterRead): { lower: number; upper: number } {
  let lower = 0;
  let upper = 0;
  for (const a of adds) {
    if (a.outcome === 'ok' && a.returnNs! < read.callNs) {
      lower += a.delta;
      upper += a.delta;
    } else if (a.outcome !== 'fail' && a.callNs <= read.returnNs) {
      if (a.delta < 0) lower += a.delta;
      else upper += a.delta;
    }
  }
  return { lower, upper };
}

describe('set checker: properties', () => {
  it('accepts every history of a simulated atomic set', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const v = checkSet(simulateSet(plan));
        if (!v.ok) throw new Error(`rejected a valid history: ${v.message}`);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a final read missing an acknowledged element', () => {
    fc.assert(
      fc.property(plans, fc.nat(), (plan, pick) => {
        const h = simulateSet(plan);
        const acked = h.adds.filter((a) => a.outcome === 'ok');
        if (acked.length === 0) return;
        const victim = acked[pick % acked.length]!.element;
        h.finalRead.elements = h.finalRead.elements.filter((e) => e !== victim);
        const v = checkSet(h);
        expect(v.ok).toBe(false);
        expect(v.lost).toEqual([victim]);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a read holding an element never added', () => {
    fc.assert(
      fc.property(plans, fc.nat(), (plan, pick) => {
        const h = simulateSet(plan);
        const all = [...h.reads, h.finalRead];
        all[pick % all.length]!.elements.push('ghost');
        const v = checkSet(h);
        expect(v.ok).toBe(false);
        expect(v.unexpected).toEqual(['ghost']);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a read missing an element acknowledged before it began', () => {
    fc.assert(
      fc.property(plans, fc.nat(), (plan, pick) => {
        const h = simulateSet(plan);
        const candidates = h.reads.flatMap((read) =>
          h.adds.filter((a) => a.outcome === 'ok' && a.returnNs! < read.callNs).map((a) => ({ read, element: a.element })),
        );
        if (candidates.length === 0) return;
        const { read, element } = candidates[pick % candidates.length]!;
        read.elements = read.elements.filter((e) => e !== element);
        const v = checkSet(h);
        expect(v.ok).toBe(false);
        expect(v.staleReads.map((s) => s.read)).toContain(read);
        expect(v.staleReads.find((s) => s.read === read)!.missing).toContain(element);
      }),
      { numRuns: 200 },
    );
  });
});

describe('counter checker: properties', () => {
  it('accepts every history of a simulated atomic counter', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const v = checkCounter(simulateCounter(plan));
        if (!v.ok) throw new Error(`rejected a valid history: ${v.message}`);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects exactly the reads outside the brute-force bounds', () => {
    fc.assert(
      fc.property(plans, fc.array(fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 }))), (plan, changes) => {
        const h = simulateCounter(plan);
        const all = [...h.reads, h.finalRead];
        for (const [pick, shift] of changes) all[pick % all.length]!.value += shift;
        const v = checkCounter(h);
        const expected = all.flatMap((read) => {
          const { lower, upper } = bruteBounds(h.adds, read);
          return read.value < lower || read.value > upper ? [{ read, lower, upper }] : [];
        });
        expect(v.errors).toEqual(expected);
        expect(v.ok).toBe(expected.length === 0);
        const fin = bruteBounds(h.adds, h.finalRead);
        expect([v.finalLower, v.finalUpper]).toEqual([fin.lower, fin.upper]);
      }),
      { numRuns: 300 },
    );
  });
});
