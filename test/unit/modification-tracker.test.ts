import { describe, expect, it } from 'vitest';
import { ModificationTracker, type Modifications } from '../../src/raft/modification-tracker.js';

const key = (db: number, k: string) => ({ db, key: Buffer.from(k) });
const mods = (keys: [number, string][], wholeDbs: number[] | 'all' = []): Modifications => ({ keys: keys.map(([db, k]) => key(db, k)), wholeDbs });
const watched = (db: number, k: string, index: number) => [{ ...key(db, k), index }];

describe('ModificationTracker', () => {
  it('fails every watch while not leader, and watches older than the leadership', () => {
    const t = new ModificationTracker();
    expect(t.modifiedSince(watched(0, 'a', 100))).toBe(true);
    t.lead(10);
    expect(t.modifiedSince(watched(0, 'a', 9))).toBe(true);
    expect(t.modifiedSince(watched(0, 'a', 10))).toBe(false);
    expect(t.modifiedSince([])).toBe(false);
  });

  it('a queued write counts until it has an index; then only watches before that index fail', () => {
    const t = new ModificationTracker();
    t.lead(10);
    const m = mods([[0, 'a']]);
    const token = t.queued(m);
    expect(t.modifiedSince(watched(0, 'a', 50))).toBe(true);
    expect(t.modifiedSince(watched(0, 'b', 50))).toBe(false);
    expect(t.modifiedSince(watched(1, 'a', 50))).toBe(false);
    t.proposed(m, 12, token);
    expect(t.modifiedSince(watched(0, 'a', 11))).toBe(true);
    expect(t.modifiedSince(watched(0, 'a', 12))).toBe(false);
    // A dropped proposal (never appended) modifies nothing.
    const m2 = mods([[0, 'b']]);
    t.proposed(m2, null, t.queued(m2));
    expect(t.modifiedSince(watched(0, 'b', 11))).toBe(false);
  });

  it('whole databases and everything', () => {
    const t = new ModificationTracker();
    t.lead(1);
    const flush = mods([], [3]);
    t.proposed(flush, 5, t.queued(flush));
    expect(t.modifiedSince(watched(3, 'anything', 4))).toBe(true);
    expect(t.modifiedSince(watched(2, 'anything', 4))).toBe(false);
    const all = mods([], 'all');
    t.proposed(all, 6, t.queued(all));
    expect(t.modifiedSince(watched(2, 'anything', 5))).toBe(true);
    expect(t.modifiedSince(watched(2, 'anything', 6))).toBe(false);
  });

  it('proposals queued under an earlier leadership are ignored when they settle', () => {
    const t = new ModificationTracker();
    t.lead(1);
    const m = mods([[0, 'a']]);
    const token = t.queued(m);
    t.unlead();
    t.lead(20);
    t.proposed(m, 21, token);
    expect(t.modifiedSince(watched(0, 'a', 20))).toBe(false);
  });

  it('forgets everything past its bound and fails the watches from before', () => {
    const t = new ModificationTracker(3);
    t.lead(0);
    for (let i = 1; i <= 4; i++) {
      const m = mods([[0, `k${i}`]]);
      t.proposed(m, i, t.queued(m));
    }
    expect(t.modifiedSince(watched(0, 'untouched', 3))).toBe(true);
    expect(t.modifiedSince(watched(0, 'k4', 4))).toBe(false);
  });
});
