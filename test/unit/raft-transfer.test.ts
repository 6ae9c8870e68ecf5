import { describe, expect, it } from 'vitest';
import { Harness } from '../sim/harness.js';

describe('leadership transfer (thesis §3.10)', () => {
  it('transfers to an up-to-date follower with MsgTimeoutNow', () => {
    const h = new Harness({ voters: [1, 2, 3], checkQuorum: true, preVote: true });
    h.elect(1);
    h.node(1).transferLeadership(2);
    h.stabilize();
    expect(h.leaders()).toEqual([2]);
    expect(h.node(1).status()).toMatchObject({ role: 'follower', lead: 2 });
  });

  it('catches the target up first, then transfers', () => {
    const h = new Harness({ voters: [1, 2, 3] });
    h.elect(1);
    h.isolate(3);
    for (let i = 0; i < 5; i++) h.propose(1, `v${i}`);
    h.recover();
    h.node(1).transferLeadership(3);
    h.tick(1, 3); // the probe to 3 goes out with the next heartbeat
    expect(h.leaders()).toEqual([3]);
    expect(h.node(3).status().lastIndex).toBeGreaterThanOrEqual(7);
  });

  it('refuses proposals during a transfer and aborts after an election timeout', () => {
    const h = new Harness({ voters: [1, 2, 3], electionTicks: 10 });
    h.elect(1);
    h.isolate(3);
    h.node(1).transferLeadership(3);
    h.stabilize();
    expect(h.propose(1, 'x')).toMatchObject({ ok: false, error: 'transferring' });
    h.tick(1, 10);
    expect(h.node(1).status().leadTransferee).toBe(0);
    expect(h.propose(1, 'x').ok).toBe(true);
  });

  it('a follower forwards the request to the leader; learners are refused as targets', () => {
    const h = new Harness({ voters: [1, 2, 3], learners: [4] });
    h.elect(1);
    h.node(1).transferLeadership(4);
    h.stabilize();
    expect(h.leaders()).toEqual([1]);
    h.node(3).transferLeadership(3);
    h.stabilize();
    expect(h.leaders()).toEqual([3]);
  });
});
