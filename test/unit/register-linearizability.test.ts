// Hand-written register histories, each small enough to decide by eye.
import { describe, expect, it } from 'vitest';
import {
  checkRegisterLinearizability,
  refuteWithReusableUnknowns,
  type RegisterOperation,
} from '../../chaos/checkers/register-linearizability.js';

/** Compact op builder: w/r/c(process, value, call, return|null[, expected]) on key 'x' unless given. */
const w = (process: number, value: string | null, callNs: number, returnNs: number | null, key = 'x'): RegisterOperation => ({
  process, key, f: 'write', value, callNs, returnNs,
});
const r = (process: number, value: string | null, callNs: number, returnNs: number | null, key = 'x'): RegisterOperation => ({
  process, key, f: 'read', value, callNs, returnNs,
});
const cas = (process: number, expected: string | null, value: string | null, callNs: number, returnNs: number | null): RegisterOperation => ({
  process, key: 'x', f: 'cas', expected, value, callNs, returnNs,
});

const ok = (ops: RegisterOperation[]): void => expect(checkRegisterLinearizability(ops)).toEqual({ ok: true });
function bad(ops: RegisterOperation[], key = 'x'): { message: string; window: RegisterOperation[] } {
  const v = checkRegisterLinearizability(ops);
  if (v.ok) throw new Error('expected a violation');
  expect(v.key).toBe(key);
  expect(v.message.length).toBeGreaterThan(0);
  expect(v.window.length).toBeGreaterThan(0);
  // The window holds the caller's own op objects, so they can be looked up in the full history.
  for (const op of v.window) expect(ops).toContain(op);
  return v;
}

describe('register linearizability: accepted histories', () => {
  it('accepts the empty history and reads of the initial absent value', () => {
    ok([]);
    ok([r(1, null, 0, 1), r(2, null, 5, 6)]);
  });

  it('accepts sequential writes and reads', () => {
    ok([w(1, 'a', 0, 1), r(2, 'a', 2, 3), w(1, 'b', 4, 5), r(2, 'b', 6, 7), w(1, null, 8, 9), r(2, null, 10, 11)]);
  });

  it('accepts a read concurrent with a write returning either the old or the new value', () => {
    ok([w(1, 'a', 0, 1), w(1, 'b', 10, 20), r(2, 'a', 12, 14), r(3, 'b', 13, 15)]);
    // New then old is fine while the two reads overlap: the one that saw 'a' may take effect first.
    ok([w(1, 'a', 0, 1), w(1, 'b', 10, 20), r(2, 'b', 11, 12), r(3, 'a', 11, 13)]);
  });

  it('accepts concurrent writes linearized in either order', () => {
    ok([w(1, 'a', 0, 10), w(2, 'b', 1, 9), r(3, 'a', 11, 12)]);
    ok([w(1, 'a', 0, 10), w(2, 'b', 1, 9), r(3, 'b', 11, 12)]);
  });

  it('treats equal timestamps as concurrent', () => {
    ok([w(1, 'a', 0, 5), r(2, null, 5, 6)]);
  });

  it('accepts an unknown-outcome write that is later seen, or never seen', () => {
    ok([w(1, 'a', 0, 1), w(2, 'b', 2, null), r(3, 'b', 100, 101), r(3, 'b', 102, 103)]);
    ok([w(1, 'a', 0, 1), w(2, 'b', 2, null), r(3, 'a', 100, 101), r(3, 'a', 102, 103)]);
    // Took effect long after its call, between two reads.
    ok([w(1, 'a', 0, 1), w(2, 'b', 2, null), r(3, 'a', 100, 101), r(3, 'b', 102, 103)]);
  });

  it('ignores reads with unknown outcome', () => {
    ok([w(1, 'a', 0, 1), r(2, 'garbage', 2, null)]);
  });

  it('checks keys independently', () => {
    ok([w(1, 'a', 0, 1, 'k1'), w(1, 'b', 2, 3, 'k2'), r(2, 'a', 4, 5, 'k1'), r(2, 'b', 4, 5, 'k2'), r(2, null, 4, 5, 'k3')]);
  });

  it('accepts cas chains, including SET NX (expected absent) and unknown cas', () => {
    ok([cas(1, null, 'a', 0, 1), cas(2, 'a', 'b', 2, 3), r(3, 'b', 4, 5)]);
    ok([w(1, 'a', 0, 1), cas(2, 'a', 'b', 2, null), r(3, 'b', 10, 11)]);
    ok([w(1, 'a', 0, 1), cas(2, 'a', 'b', 2, null), r(3, 'a', 10, 11)]);
  });

  it('accepts duplicate values that need backtracking to order', () => {
    // Three concurrent writes of 1,2,1 and reads that see 2 then 1: 2 must go between the two 1s.
    ok([w(1, '1', 0, 10), w(2, '2', 0, 10), w(3, '1', 0, 10), r(4, '1', 1, 2), r(4, '2', 3, 4), r(4, '1', 5, 6)]);
  });
});

describe('register linearizability: rejected histories', () => {
  it('rejects a stale read after a completed write', () => {
    const v = bad([w(1, 'a', 0, 1), w(1, 'b', 2, 3), r(2, 'a', 4, 5)]);
    expect(v.message).toContain('read of "a"');
    expect(v.message).toContain('"b"');
  });

  it('rejects a lost write: acknowledged, then absent', () => {
    bad([w(1, 'a', 0, 1), r(2, null, 2, 3)]);
  });

  it('rejects a read of a never-written value without searching', () => {
    const v = bad([w(1, 'a', 0, 1), r(2, 'zzz', 2, 3)]);
    expect(v.message).toContain('no operation on this key ever wrote "zzz"');
  });

  it('rejects a read from the future (value written only after the read returned)', () => {
    bad([r(2, 'a', 0, 1), w(1, 'a', 2, 3)]);
  });

  it('rejects flip-flopping reads: new value, then old value, non-overlapping', () => {
    bad([w(1, 'a', 0, 1), w(1, 'b', 10, 20), r(2, 'b', 11, 12), r(3, 'a', 13, 14)]);
  });

  it('rejects an unknown write seen and then unseen', () => {
    bad([w(1, 'a', 0, 1), w(2, 'b', 2, null), r(3, 'b', 100, 101), r(3, 'a', 102, 103)]);
  });

  it('rejects a successful cas whose expected value the register cannot hold', () => {
    bad([w(1, 'a', 0, 1), w(1, 'b', 2, 3), cas(2, 'a', 'c', 4, 5)]);
  });

  it('reports the first bad key in sorted order, with the offending read in the window', () => {
    const stale = r(2, 'a', 4, 5, 'k2');
    const ops = [w(1, 'a', 0, 1, 'k2'), w(1, 'b', 2, 3, 'k2'), stale, w(1, 'a', 0, 1, 'k1'), r(2, 'a', 4, 5, 'k1')];
    const v = bad(ops, 'k2');
    expect(v.window).toContain(stale);
    expect(v.window.every((op) => op.key === 'k2')).toBe(true);
  });

  it('finds a violation deep in a long history and reports its frontier', () => {
    const ops: RegisterOperation[] = [];
    for (let i = 0; i < 2000; i++) {
      ops.push(w(1, `v${i}`, i * 10, i * 10 + 4), r(2, `v${i}`, i * 10 + 5, i * 10 + 6));
    }
    const stale = r(3, 'v100', 20_005, 20_006); // v2000 area, long after v100 was overwritten
    ops.splice(ops.length - 10, 0, stale);
    const v = bad(ops);
    expect(v.message).toContain('read of "v100"');
    expect(v.window).toContain(stale);
  });
});

describe('register linearizability: the relaxed refutation', () => {
  // Unknown writes of a and b, reads of both still open, then a read of absent that nothing can
  // explain: the relaxed search can swing the value a→b→a indefinitely and must notice the cycle.
  const cycle = [w(1, 'a', 0, null), w(2, 'b', 0, null), r(3, 'a', 1, 20), r(4, 'b', 1, 20), w(5, 'c', 2, 3), r(6, null, 4, 5)];

  it('terminates when reused unknown writes cycle through values, and refutes', () => {
    const v = refuteWithReusableUnknowns(cycle);
    expect(v.ok).toBe(false);
    bad(cycle);
  });

  it('accepts what reusing unknown writes explains, which the real check rejects', () => {
    // a, then b, then a again: needs the one unknown write of a twice.
    const twice = [w(1, 'a', 0, null), r(2, 'a', 1, 2), w(3, 'b', 3, 4), r(2, 'a', 5, 6)];
    expect(refuteWithReusableUnknowns(twice)).toEqual({ ok: true });
    bad(twice);
  });

  it('decides through the fallback when the exact search is out of budget', () => {
    // Budget 1 exhausts the first exact attempt at once; the relaxed search then refutes.
    const v = checkRegisterLinearizability(cycle, { maxConfigurationsPerKey: 40 });
    expect(v.ok).toBe(false);
    expect(() => checkRegisterLinearizability([w(1, 'a', 0, 1), r(2, 'a', 2, 3), w(1, 'b', 0, 1)], { maxConfigurationsPerKey: 1 })).toThrow(/gave up/);
  });
});

describe('register linearizability: malformed input', () => {
  it('throws on a return before the call and on non-finite times', () => {
    expect(() => checkRegisterLinearizability([w(1, 'a', 5, 4)])).toThrow(RangeError);
    expect(() => checkRegisterLinearizability([w(1, 'a', Number.NaN, 4)])).toThrow(RangeError);
    expect(() => checkRegisterLinearizability([{ process: 1, key: 'x', f: 'cas', value: 'a', callNs: 0, returnNs: 1 }])).toThrow(TypeError);
  });
});
