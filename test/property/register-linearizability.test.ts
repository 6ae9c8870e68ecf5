// Properties of the register linearizability checker:
// - histories produced by a simulated atomic register (random concurrency, unknown outcomes,
//   duplicate values, cas) are always accepted;
// - the same histories with one read corrupted to a value nothing can explain are rejected;
// - on small arbitrary histories the verdict equals a brute-force search over all orders, also
//   when a tiny budget sends the check through its relaxed fallback, and the relaxed search alone
//   equals a brute force in which unknown-outcome mutations can take effect any number of times.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkRegisterLinearizability,
  refuteWithReusableUnknowns,
  type RegisterOperation,
} from '../../chaos/checkers/register-linearizability.js';

interface PlannedOp {
  readonly process: number;
  readonly key: number;
  readonly f: 'read' | 'write' | 'cas';
  readonly value: number; // index into VALUES
  readonly expected: number;
  readonly gap: number;
  readonly duration: number;
  /** Where in [call, return] the op takes effect, as a fraction. */
  readonly point: number;
  /** Outcome lost (timeout/crash): the op may or may not take effect, possibly long after. */
  readonly unknown: boolean;
  readonly unknownTakesEffect: boolean;
  readonly unknownDelay: number;
}

const VALUES = [null, 'a', 'b', 'c', 'd'] as const;
const KEYS = ['k0', 'k1', 'k2'];

const plannedOp = (processes: number, keys: number): fc.Arbitrary<PlannedOp> =>
  fc.record({
    process: fc.nat(processes - 1),
    key: fc.nat(keys - 1),
    f: fc.constantFrom<'read' | 'write' | 'cas'>('read', 'read', 'write', 'write', 'cas'),
    value: fc.nat(VALUES.length - 1),
    expected: fc.nat(VALUES.length - 1),
    gap: fc.nat(6),
    duration: fc.nat(25),
    point: fc.double({ min: 0, max: 1, noNaN: true }),
    unknown: fc.nat(3).map((x) => x === 0), // ~25% lose their outcome
    unknownTakesEffect: fc.boolean(),
    unknownDelay: fc.nat(200),
  });

/**
 * Runs the plan against one atomic register per key: each op takes effect at one instant inside
 * its interval, so the recorded history is linearizable by construction. A process that loses an
 * outcome is retired (Jepsen convention): its later ops run under a fresh process number.
 */
function simulateAtomic(plan: readonly PlannedOp[], uniqueValues: boolean): RegisterOperation[] {
  const clock = new Map<number, number>(); // process slot → time its last op returned
  const generation = new Map<number, number>();
  type Timed = { op: RegisterOperation; at: number; casExpected: string | null; seq: number };
  const effects: Timed[] = [];
  const all: RegisterOperation[] = [];
  plan.forEach((p, seq) => {
    const callNs = (clock.get(p.process) ?? 0) + p.gap;
    const returnNs = callNs + p.duration;
    const gen = generation.get(p.process) ?? 0;
    const value = uniqueValues && p.f !== 'read' ? `u${seq}` : VALUES[p.value]!;
    const op: RegisterOperation = { process: p.process * 1000 + gen, key: KEYS[p.key]!, f: p.f, value, callNs, returnNs };
    const expected = VALUES[p.expected]!;
    if (p.f === 'cas') op.expected = expected;
    if (p.unknown) {
      op.returnNs = null;
      generation.set(p.process, gen + 1);
      clock.set(p.process, returnNs);
      if (p.unknownTakesEffect) effects.push({ op, at: callNs + p.point * (p.duration + p.unknownDelay), casExpected: expected, seq });
    } else {
      clock.set(p.process, returnNs + 1);
      effects.push({ op, at: callNs + p.point * p.duration, casExpected: expected, seq });
    }
    all.push(op);
  });
  effects.sort((x, y) => x.at - y.at || x.seq - y.seq);
  const state = new Map<string, string | null>();
  const failedCas = new Set<RegisterOperation>();
  for (const { op, casExpected } of effects) {
    const cur = state.get(op.key) ?? null;
    if (op.f === 'read') op.value = cur;
    else if (op.f === 'write') state.set(op.key, op.value);
    else if (cur === casExpected) state.set(op.key, op.value);
    else failedCas.add(op);
  }
  // Unknown reads carry garbage (the checker must ignore them); a cas that definitely failed is left
  // out, as the contract says; an unknown cas stays whether or not it took effect.
  const history: RegisterOperation[] = [];
  for (const op of all) {
    if (op.f === 'read' && op.returnNs === null) op.value = 'garbage-from-unknown-read';
    if (op.f === 'cas' && op.returnNs !== null && failedCas.has(op)) continue;
    history.push(op);
  }
  return history;
}

const histories = fc.record({
  processes: fc.integer({ min: 1, max: 10 }),
  keys: fc.integer({ min: 1, max: 3 }),
  unique: fc.boolean(),
}).chain(({ processes, keys, unique }) =>
  fc.array(plannedOp(processes, keys), { minLength: 1, maxLength: 120 }).map((plan) => ({ plan, unique })),
);

const completedReads = (h: RegisterOperation[]): number[] =>
  h.flatMap((op, i) => (op.f === 'read' && op.returnNs !== null ? [i] : []));

describe('register linearizability: properties', () => {
  it('accepts every history of a simulated atomic register', () => {
    fc.assert(
      fc.property(histories, ({ plan, unique }) => {
        const h = simulateAtomic(plan, unique);
        const v = checkRegisterLinearizability(h);
        if (!v.ok) throw new Error(`rejected a linearizable history on ${v.key}: ${v.message}`);
      }),
      { numRuns: 400 },
    );
  });

  it('accepts long histories of a simulated atomic register (1500 ops, up to 10 processes)', () => {
    const long = fc
      .record({ processes: fc.integer({ min: 5, max: 10 }), keys: fc.integer({ min: 1, max: 2 }), unique: fc.boolean() })
      .chain(({ processes, keys, unique }) =>
        fc.array(plannedOp(processes, keys), { minLength: 1500, maxLength: 1500 }).map((plan) => ({ plan, unique })),
      );
    fc.assert(
      fc.property(long, ({ plan, unique }) => {
        const v = checkRegisterLinearizability(simulateAtomic(plan, unique));
        if (!v.ok) throw new Error(`rejected a linearizable history on ${v.key}: ${v.message}`);
      }),
      { numRuns: 10 },
    );
  });

  it('rejects such a history once one read returns a value nobody wrote', () => {
    fc.assert(
      fc.property(histories, fc.nat(), ({ plan, unique }, pick) => {
        const h = simulateAtomic(plan, unique);
        const reads = completedReads(h);
        if (reads.length === 0) return;
        const victim = h[reads[pick % reads.length]!]!;
        victim.value = 'never-written';
        const v = checkRegisterLinearizability(h);
        expect(v.ok).toBe(false);
        if (!v.ok) {
          expect(v.key).toBe(victim.key);
          expect(v.window).toContain(victim);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects such a history once one read returns a value written only after it returned', () => {
    // The late write has an unknown outcome, so it alone cannot break anything else: the search
    // itself (not the never-written shortcut) must find that the read has no place.
    fc.assert(
      fc.property(histories, fc.nat(), ({ plan, unique }, pick) => {
        const h = simulateAtomic(plan, unique);
        const reads = completedReads(h);
        if (reads.length === 0) return;
        const victim = h[reads[pick % reads.length]!]!;
        victim.value = 'from-the-future';
        h.push({ process: 999_999, key: victim.key, f: 'write', value: 'from-the-future', callNs: victim.returnNs! + 1, returnNs: null });
        const v = checkRegisterLinearizability(h);
        expect(v.ok).toBe(false);
        if (!v.ok) expect(v.key).toBe(victim.key);
      }),
      { numRuns: 300 },
    );
  });

  const smallHistory = fc
    .array(
      fc.record({
        process: fc.nat(3),
        f: fc.constantFrom<'read' | 'write' | 'cas'>('read', 'read', 'write', 'write', 'cas'),
        value: fc.constantFrom<string | null>(null, 'a', 'b'),
        expected: fc.constantFrom<string | null>(null, 'a', 'b'),
        callNs: fc.nat(8),
        duration: fc.nat(6),
        unknown: fc.nat(3).map((x) => x === 0), // ~25% lose their outcome
      }),
      { maxLength: 8 },
    )
    .map((raw) =>
      raw.map((o) => {
        const op: RegisterOperation = {
          process: o.process,
          key: 'x',
          f: o.f,
          value: o.value,
          callNs: o.callNs,
          returnNs: o.unknown ? null : o.callNs + o.duration,
        };
        if (o.f === 'cas') op.expected = o.expected;
        return op;
      }),
    );

  it('agrees with a brute-force search on small arbitrary histories', () => {
    fc.assert(
      fc.property(smallHistory, (h) => {
        expect(checkRegisterLinearizability(h).ok).toBe(bruteForce(h, false));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with brute force when a tiny budget forces the relaxed fallback, or says it gave up', () => {
    fc.assert(
      fc.property(smallHistory, fc.integer({ min: 1, max: 12 }), (h, budget) => {
        let verdict: boolean;
        try {
          verdict = checkRegisterLinearizability(h, { maxConfigurationsPerKey: budget }).ok;
        } catch (err) {
          expect(String(err)).toContain('gave up');
          return;
        }
        expect(verdict).toBe(bruteForce(h, false));
      }),
      { numRuns: 3000 },
    );
  });

  it('relaxed search equals a brute force where unknown mutations can take effect any number of times', () => {
    fc.assert(
      fc.property(smallHistory, (h) => {
        const relaxed = bruteForce(h, true);
        expect(refuteWithReusableUnknowns(h).ok).toBe(relaxed);
        if (!relaxed) expect(bruteForce(h, false)).toBe(false); // the relaxation is sound for refuting
      }),
      { numRuns: 3000 },
    );
  });
});

/**
 * Tries every real-time-respecting order (unknown ops may also be left out entirely). With
 * `reusable`, unknown-outcome mutations stay available after use (the relaxed history).
 */
function bruteForce(history: RegisterOperation[], reusable: boolean): boolean {
  const ops = history.filter((op) => op.f !== 'read' || op.returnNs !== null);
  const n = ops.length;
  const visited = new Set<string>();
  const go = (remaining: number, state: string | null): boolean => {
    let onlyUnknown = true;
    for (let i = 0; i < n; i++) if (remaining & (1 << i) && ops[i]!.returnNs !== null) onlyUnknown = false;
    if (onlyUnknown) return true;
    const key = `${remaining}:${state}`;
    if (visited.has(key)) return false; // explored (or on the current path, in the relaxed case)
    visited.add(key);
    for (let i = 0; i < n; i++) {
      if (!(remaining & (1 << i))) continue;
      const x = ops[i]!;
      // x can go next iff no other remaining op returned strictly before x was called.
      let minimal = true;
      for (let j = 0; j < n; j++) {
        const y = ops[j]!;
        if (j !== i && remaining & (1 << j) && y.returnNs !== null && y.returnNs < x.callNs) minimal = false;
      }
      if (!minimal) continue;
      let next = state;
      if (x.f === 'read') {
        if (x.value !== state) continue;
      } else if (x.f === 'write') next = x.value;
      else {
        if (x.expected !== state) continue;
        next = x.value;
      }
      const keep = reusable && x.returnNs === null;
      if (go(keep ? remaining : remaining & ~(1 << i), next)) return true;
    }
    return false;
  };
  return go((1 << n) - 1, null);
}
