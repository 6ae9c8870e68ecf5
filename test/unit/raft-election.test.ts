import { describe, expect, it } from 'vitest';
import { MemoryStorage, Mulberry32, RaftNode } from '../../src/raft/core/index.js';
import type { Message } from '../../src/raft/core/index.js';
import { Harness } from '../sim/harness.js';

describe('raft election (paper §5.2)', () => {
  it('TestLeaderElection: a candidate with a majority becomes the only leader, others follow', () => {
    const h = new Harness({ voters: [1, 2, 3] });
    h.elect(1);
    expect(h.leaders()).toEqual([1]);
    for (const id of [2, 3]) {
      expect(h.node(id).status()).toMatchObject({ role: 'follower', lead: 1, term: 1 });
    }
  });

  it('a candidate without a majority does not become leader', () => {
    const h = new Harness({ voters: [1, 2, 3, 4, 5] });
    h.isolate(4);
    h.isolate(5);
    h.isolate(3);
    h.elect(1);
    expect(h.node(1).status().role).toBe('candidate');
  });

  it('election happens by timeout alone, with the randomized timeout in [electionTicks, 2*electionTicks)', () => {
    const h = new Harness({ voters: [1, 2, 3], electionTicks: 10 });
    let ticks = 0;
    while (h.leaders().length === 0) {
      h.tickAll();
      ticks++;
      expect(ticks).toBeLessThan(20);
    }
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(h.leaders()).toHaveLength(1);
  });

  it('TestVoteFromAnyState: a node grants at most one vote per term', () => {
    const h = new Harness({ voters: [1, 2, 3] });
    h.filter = (m) => m.type !== 'voteResp';
    h.node(1).campaign();
    h.stabilize();
    const votesFor1 = h.sent.filter((m) => m.type === 'voteResp' && !m.reject).length;
    h.node(2).campaign(); // term 2 now: 2 votes for itself
    h.stabilize();
    expect(votesFor1).toBe(2);
    const t2 = h.sent.filter((m: Message) => m.type === 'voteResp' && m.term === 2);
    // node 3 voted for 1 in term 1 but may vote for 2 in term 2; node 1 is a candidate of term 1, it votes in term 2.
    expect(t2.every((m) => m.to === 2)).toBe(true);
  });

  it('a node with a less up-to-date log cannot win (election restriction §5.4.1)', () => {
    const e = { term: 1, index: 1, type: 'normal' as const, timeMs: 0, seed: 0, data: new Uint8Array() };
    const h = new Harness({ voters: [1, 2, 3] });
    h.start(2, new MemoryStorage({ term: 1, vote: 0, commit: 0 }, [e]));
    h.start(3, new MemoryStorage({ term: 1, vote: 0, commit: 0 }, [e]));
    h.start(1, new MemoryStorage({ term: 1, vote: 0, commit: 0 }));
    h.elect(1);
    expect(h.node(1).status().role).not.toBe('leader');
    h.elect(2);
    expect(h.leaders()).toEqual([2]);
  });

  it('learners never vote and never campaign', () => {
    const h = new Harness({ voters: [1, 2], learners: [3] });
    h.node(3).campaign();
    h.stabilize();
    expect(h.node(3).status().role).toBe('follower');
    h.elect(1);
    expect(h.sent.some((m) => m.type === 'vote' && m.to === 3)).toBe(false);
    expect(h.sent.some((m) => m.from === 3 && m.type === 'voteResp')).toBe(false);
    h.tick(3, 100);
    expect(h.node(3).status().role).toBe('follower');
    expect(h.leaders()).toEqual([1]);
  });

  it('a lone voter elects itself', () => {
    const n = new RaftNode({
      id: 1, peers: [1], learners: [], electionTicks: 10, heartbeatTicks: 1, preVote: true, checkQuorum: true,
      maxInflightMsgs: 4, maxInflightBytes: 0, maxSizePerMsgBytes: 1024, rng: new Mulberry32(1), storage: new MemoryStorage(), applied: 0,
    });
    n.campaign();
    expect(n.status().role).toBe('leader');
  });
});

describe('PreVote (thesis §9.6)', () => {
  it('leader election with prevote', () => {
    const h = new Harness({ voters: [1, 2, 3], preVote: true });
    h.elect(1);
    expect(h.leaders()).toEqual([1]);
    expect(h.node(1).status().term).toBe(1);
    expect(h.sent.some((m) => m.type === 'preVote')).toBe(true);
  });

  it('a partitioned node does not bump its term and does not disrupt the leader when it returns', () => {
    const h = new Harness({ voters: [1, 2, 3], preVote: true });
    h.elect(1);
    h.isolate(3);
    for (let i = 0; i < 50; i++) h.tick(3);
    expect(h.node(3).status().term).toBe(1);
    expect(h.node(3).status().role).toBe('preCandidate');
    h.recover();
    h.tickAll(3);
    expect(h.leaders()).toEqual([1]);
    expect(h.node(1).status().term).toBe(1);
    expect(h.node(3).status()).toMatchObject({ role: 'follower', lead: 1 });
  });
});

describe('CheckQuorum', () => {
  it('a leader steps down without quorum activity within an election timeout', () => {
    const h = new Harness({ voters: [1, 2, 3], checkQuorum: true, preVote: true });
    h.elect(1);
    h.isolate(1);
    h.tick(1, 21);
    expect(h.node(1).status().role).toBe('follower');
  });

  it('a leader with quorum activity stays leader', () => {
    const h = new Harness({ voters: [1, 2, 3], checkQuorum: true });
    h.elect(1);
    h.isolate(3);
    h.tick(1, 50);
    expect(h.node(1).status().role).toBe('leader');
  });

  it('followers that recently heard from the leader ignore vote requests (leader lease)', () => {
    const h = new Harness({ voters: [1, 2, 3], checkQuorum: true });
    h.elect(1);
    h.node(3).campaign(); // no prevote: term 2 vote requests
    h.stabilize();
    expect(h.node(2).status()).toMatchObject({ term: 1, lead: 1 });
    expect(h.leaders()).toContain(1);
  });
});
