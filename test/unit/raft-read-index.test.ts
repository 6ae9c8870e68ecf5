import { describe, expect, it } from 'vitest';
import { Harness } from '../sim/harness.js';

describe('ReadIndex (thesis §6.4)', () => {
  it('the leader answers with its commit index after a quorum heartbeat round', () => {
    const h = new Harness({ voters: [1, 2, 3] });
    h.elect(1);
    h.propose(1, 'a');
    const before = h.sent.length;
    expect(h.node(1).readIndex('r1').ok).toBe(true);
    h.stabilize();
    expect(h.readStates.get(1)).toEqual([{ index: 2, ctx: 'r1' }]);
    expect(h.sent.slice(before).some((m) => m.type === 'heartbeat' && m.round > 0)).toBe(true);
  });

  it('a leader cut off from the quorum never answers (no stale reads)', () => {
    const h = new Harness({ voters: [1, 2, 3] });
    h.elect(1);
    h.isolate(1);
    h.node(1).readIndex('r1');
    h.stabilize();
    h.tick(1, 5);
    expect(h.readStates.get(1)).toEqual([]);
    // Meanwhile a new leader commits a write; the old one must still not answer.
    h.elect(2);
    h.propose(2, 'w');
    h.tick(1, 5);
    expect(h.readStates.get(1)).toEqual([]);
  });

  it('reads pending at the moment of a round share it (one heartbeat broadcast)', () => {
    const h = new Harness({ voters: [1, 2, 3] });
    h.elect(1);
    const before = h.sent.length;
    const n = h.node(1);
    n.readIndex('a');
    n.readIndex('b');
    n.readIndex('c');
    h.stabilize();
    const hbs = h.sent.slice(before).filter((m) => m.type === 'heartbeat');
    expect(hbs.length).toBe(2); // one round: one heartbeat per follower
    expect(h.readStates.get(1)!.map((r) => r.ctx)).toEqual(['a', 'b', 'c']);
  });

  it('reads requested before the leader commits an entry of its term wait until it has', () => {
    const h = new Harness({ voters: [1, 2, 3] });
    h.filter = (m) => m.type !== 'app';
    h.elect(1);
    h.node(1).readIndex('early');
    h.stabilize();
    expect(h.readStates.get(1)).toEqual([]);
    h.recover();
    h.tick(1, 2);
    expect(h.readStates.get(1)).toEqual([{ index: 1, ctx: 'early' }]);
  });

  it('followers forward ReadIndex to the leader and get the leader commit index', () => {
    const h = new Harness({ voters: [1, 2, 3], learners: [4] });
    h.elect(1);
    h.propose(1, 'a');
    h.node(3).readIndex('f');
    h.node(4).readIndex('l');
    h.stabilize();
    expect(h.readStates.get(3)).toEqual([{ index: 2, ctx: 'f' }]);
    expect(h.readStates.get(4)).toEqual([{ index: 2, ctx: 'l' }]);
  });

  it('a follower without a leader refuses', () => {
    const h = new Harness({ voters: [1, 2, 3] });
    expect(h.node(2).readIndex('x')).toEqual({ ok: false, error: 'noLeader' });
  });

  it('lease-based reads answer without a round, and require checkQuorum', () => {
    const h = new Harness({ voters: [1, 2, 3], checkQuorum: true, readOnlyOption: 'leaseBased' });
    h.elect(1);
    const before = h.sent.length;
    h.node(1).readIndex('q');
    h.stabilize();
    expect(h.readStates.get(1)).toEqual([{ index: 1, ctx: 'q' }]);
    expect(h.sent.slice(before).filter((m) => m.type === 'heartbeat')).toEqual([]);
    expect(() => new Harness({ voters: [1], readOnlyOption: 'leaseBased' })).toThrow(/checkQuorum/);
  });
});
