// A 3-process pikiraft cluster on loopback for the benchmark: free ports, one temp data dir per
// node, ready when every node logged "ready to accept connections" and all agree on one leader.
import { join } from 'node:path';
import { freePort } from '../../src/util/free-port.js';
import { startProcess, tempDir, type Proc } from './processes.js';
import { RespClient } from './resp-client.js';

export interface PikiraftNode {
  readonly id: number;
  readonly port: number;
  readonly proc: Proc;
}

export interface PikiraftCluster {
  readonly nodes: readonly PikiraftNode[];
  readonly leader: PikiraftNode;
  readonly followers: readonly PikiraftNode[];
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

export async function raftInfo(port: number): Promise<Record<string, string>> {
  const c = await RespClient.connect('127.0.0.1', port);
  try {
    const r = await c.command(['INFO', 'raft']);
    if (r.kind !== 'bulk' || r.value === null) throw new Error(`INFO raft on ${port}: unexpected reply ${JSON.stringify(r)}`);
    const out: Record<string, string> = {};
    for (const line of r.value.toString().split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  } finally {
    c.close();
  }
}

export async function startPikiraftCluster(serverEntry: string, size = 3): Promise<PikiraftCluster> {
  const root = tempDir('bench-pikiraft-cluster-');
  const clientPorts: number[] = [];
  const raftPorts: number[] = [];
  for (let i = 0; i < size; i++) {
    clientPorts.push(await freePort());
    raftPorts.push(await freePort());
  }
  // Client ports are given explicitly (/P) because free ports do not follow the +10000 convention.
  const peers = clientPorts.map((p, i) => `${i + 1}@127.0.0.1:${raftPorts[i]}/${p}`).join(',');
  const nodes: PikiraftNode[] = clientPorts.map((port, i) => {
    const id = i + 1;
    // loglevel info: the readiness line is logged at info; nothing is logged per request at info.
    const args = [serverEntry, '--port', String(port), '--bind', '127.0.0.1', '--dir', join(root, `node${id}`)];
    args.push('--raft-node-id', String(id), '--raft-peers', peers, '--loglevel', 'info');
    return { id, port, proc: startProcess(`pikiraft node ${id}`, process.execPath, args) };
  });
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.proc.stop()));
  };
  try {
    await Promise.all(nodes.map((n) => n.proc.waitForLine(/ready to accept connections/, READY_TIMEOUT_MS)));
    const leader = await waitForLeader(nodes);
    return { nodes, leader, followers: nodes.filter((n) => n !== leader), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Polls INFO raft until one node is leader and every other node names it as leader. */
async function waitForLeader(nodes: readonly PikiraftNode[]): Promise<PikiraftNode> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const infos = await Promise.all(nodes.map((n) => raftInfo(n.port).catch((e: Error) => ({ error: e.message }) as Record<string, string>)));
    const leaders = nodes.filter((_, i) => infos[i]!['role'] === 'leader');
    if (leaders.length === 1) {
      const leader = leaders[0]!;
      if (infos.every((info) => info['leader_id'] === String(leader.id))) return leader;
    }
    last = infos.map((info, i) => `node ${nodes[i]!.id}: ${info['role'] ?? info['error']} (leader ${info['leader_id'] ?? '?'})`).join('; ');
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`pikiraft cluster: no agreed leader within ${READY_TIMEOUT_MS} ms (${last})`);
}
