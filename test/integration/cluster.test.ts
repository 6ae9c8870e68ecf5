// Three real processes: writes through any node, failover after kill -9 of the leader with every
// acknowledged write kept, a stopped follower not stopping service, a paused old leader unable
// to serve a stale read, redirect mode, and the definite "no leader" error.
import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { raftInfo, startCluster, type Cluster, type ClusterNode } from '../helpers/cluster.js';

let cluster: Cluster | null = null;
afterEach(async () => {
  for (const n of cluster?.nodes ?? []) if (n.handle) n.handle.process.kill('SIGCONT');
  await cluster?.cleanup();
  cluster = null;
});

const others = (c: Cluster, node: ClusterNode): ClusterNode[] => c.nodes.filter((n) => n !== node);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('3-node cluster', () => {
  it('accepts writes through every node and serves linearizable reads from every node', async () => {
    cluster = await startCluster(3);
    const c = cluster;
    await c.waitForLeader();
    const clients = c.nodes.map((n) => c.client(n));
    for (let i = 0; i < 3; i++) expect(await clients[i]!.set(`k${i}`, `v${i}`)).toBe('OK');
    // A read right after another node's write sees it: follower reads go through ReadIndex.
    for (let round = 0; round < 20; round++) {
      await clients[round % 3]!.set('counter', String(round));
      expect(await clients[(round + 1) % 3]!.get('counter')).toBe(String(round));
    }
    for (const cl of clients) expect(await cl.mget('k0', 'k1', 'k2')).toEqual(['v0', 'v1', 'v2']);
    expect(await clients[1]!.incr('n')).toBe(1);
    expect(await clients[2]!.incr('n')).toBe(2);
    const info = await raftInfo(c.nodes[0]!.port);
    expect(['leader', 'follower']).toContain(info['role']);
    expect(Number(info['commit_index'])).toBeGreaterThan(20);
  });

  it('keeps every acknowledged write when the leader is killed with -9 under load', async () => {
    cluster = await startCluster(3);
    const c = cluster;
    const leader = await c.waitForLeader();
    const acked = new Map<string, string>();
    let stop = false;
    const dead = new Set<ClusterNode>();
    const writer = async (w: number): Promise<void> => {
      const clients = new Map<ClusterNode, Redis>(c.nodes.map((n) => [n, c.client(n)]));
      for (let i = 0; !stop; i++) {
        const live = c.nodes.filter((n) => !dead.has(n));
        const node = live[(w + i) % live.length]!;
        const key = `w${w}:${i}`;
        try {
          const r = await clients.get(node)!.set(key, String(i));
          if (r === 'OK') acked.set(key, String(i));
        } catch {
          // Connection reset by the kill, TIMEOUT outcome unknown or CLUSTERDOWN: not acknowledged.
        }
      }
    };
    const writers = [0, 1, 2, 3, 4].map(writer);
    await sleep(700);
    dead.add(leader);
    await leader.handle!.kill();
    await sleep(2500);
    stop = true;
    await Promise.all(writers);
    expect(acked.size).toBeGreaterThan(50);
    const newLeader = await c.waitForLeader(20_000, others(c, leader));
    expect(newLeader).not.toBe(leader);
    // The killed node restarts and catches up too.
    await c.start(leader);
    for (const node of c.nodes) {
      const cl = c.client(node);
      const keys = [...acked.keys()];
      const values = await cl.mget(...keys);
      const missing = keys.filter((k, i) => values[i] !== acked.get(k));
      expect(missing, `node ${node.id} is missing acknowledged writes`).toEqual([]);
    }
  });

  it('keeps serving while a follower is stopped, and the follower catches up after', async () => {
    cluster = await startCluster(3);
    const c = cluster;
    const leader = await c.waitForLeader();
    const [f1, f2] = others(c, leader);
    f1!.handle!.process.kill('SIGSTOP');
    const viaOther = c.client(f2!);
    for (let i = 0; i < 50; i++) expect(await viaOther.set(`p${i}`, String(i))).toBe('OK');
    expect(await c.client(leader).get('p49')).toBe('49');
    f1!.handle!.process.kill('SIGCONT');
    expect(await c.client(f1!).get('p49')).toBe('49');
  });

  it('a paused old leader cannot serve a stale read after it resumes', async () => {
    cluster = await startCluster(3);
    const c = cluster;
    const old = await c.waitForLeader();
    const oldClient = c.client(old);
    expect(await oldClient.set('x', 'before')).toBe('OK');
    old.handle!.process.kill('SIGSTOP');
    const fresh = await c.waitForLeader(20_000, others(c, old));
    expect(await c.client(fresh).set('x', 'after')).toBe('OK');
    old.handle!.process.kill('SIGCONT');
    // The old leader still believes it leads at this instant; its read must not return 'before'.
    const got = await oldClient.get('x').catch((e: Error) => e.message);
    expect(got).not.toBe('before');
    expect(got).toBe('after');
  });

  it('redirect mode answers -MOVED with the leader address; a lone node has no leader', async () => {
    cluster = await startCluster(3, ['--follower-mode', 'redirect', '--raft-request-timeout-ms', '1500']);
    const c = cluster;
    const leader = await c.waitForLeader();
    const [f1, f2] = others(c, leader);
    await expect(c.client(f1!).set('a', '1')).rejects.toThrow(`MOVED 0 127.0.0.1:${leader.port}`);
    expect(await c.client(f1!).get('a')).toBeNull();
    // Two of three gone: the survivor loses leadership (CheckQuorum) and refuses definitely.
    leader.handle!.process.kill('SIGSTOP');
    f2!.handle!.process.kill('SIGSTOP');
    const survivor = c.client(f1!);
    const deadline = Date.now() + 10_000;
    while ((await raftInfo(f1!.port))['leader_id'] !== '0' && Date.now() < deadline) await sleep(50);
    await expect(survivor.set('b', '1')).rejects.toThrow('CLUSTERDOWN no leader');
    await expect(survivor.get('b')).rejects.toThrow('CLUSTERDOWN no leader');
  });
});
