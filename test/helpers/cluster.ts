// Starts an n-node pikiraft cluster of real processes on loopback (compiled server from dist/).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startServer, type ServerHandle } from './server.js';

export interface ClusterNode {
  readonly id: number;
  readonly port: number;
  readonly dir: string;
  handle: ServerHandle | null;
}

export interface Cluster {
  readonly nodes: ClusterNode[];
  /** Waits until exactly one live node reports role:leader and returns it. */
  waitForLeader(timeoutMs?: number, among?: readonly ClusterNode[]): Promise<ClusterNode>;
  /** A client that fails fast (no reconnect), for a node that may die. */
  client(node: ClusterNode): Redis;
  start(node: ClusterNode): Promise<void>;
  cleanup(): Promise<void>;
}

export const raftInfo = async (port: number): Promise<Record<string, string>> => {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false, commandTimeout: 1000, connectTimeout: 1000 });
  c.on('error', () => undefined);
  try {
    const text = await c.info('raft');
    return Object.fromEntries(
      text
        .split('\r\n')
        .filter((l) => l.includes(':'))
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
    );
  } finally {
    c.disconnect();
  }
};

export async function startCluster(n: number, args: readonly string[] = []): Promise<Cluster> {
  const root = mkdtempSync(join(tmpdir(), 'pikiraft-cluster-'));
  const clientPorts: number[] = [];
  const raftPorts: number[] = [];
  for (let i = 0; i < n; i++) {
    clientPorts.push(await freePort());
    raftPorts.push(await freePort());
  }
  const peers = clientPorts.map((p, i) => `${i + 1}@127.0.0.1:${raftPorts[i]}/${p}`).join(',');
  const nodes: ClusterNode[] = clientPorts.map((port, i) => ({ id: i + 1, port, dir: join(root, `node${i + 1}`), handle: null }));
  const clients: Redis[] = [];
  const start = async (node: ClusterNode): Promise<void> => {
    node.handle = await startServer({
      dist: true,
      port: node.port,
      dir: node.dir,
      args: ['--raft-node-id', String(node.id), '--raft-peers', peers, '--raft-tick-ms', '50', ...args],
    });
  };
  await Promise.all(nodes.map(start));
  return {
    nodes,
    start,
    client: (node) => {
      const c = new Redis({ port: node.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    waitForLeader: async (timeoutMs = 20_000, among = nodes) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const live = among.filter((x) => x.handle !== null && x.handle.process.exitCode === null && x.handle.process.signalCode === null);
        const infos = await Promise.all(live.map((x) => raftInfo(x.port).catch(() => null)));
        const leaders = live.filter((_, i) => infos[i]?.['role'] === 'leader');
        if (leaders.length === 1) {
          // Every answering node agrees on who leads (no stale leader still claiming the role).
          const id = String(leaders[0]!.id);
          if (infos.every((inf) => inf === null || inf['leader_id'] === id)) return leaders[0]!;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('no single leader elected in time');
    },
    cleanup: async () => {
      for (const c of clients) c.disconnect();
      await Promise.all(nodes.map((x) => x.handle?.kill()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
