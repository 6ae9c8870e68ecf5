// After the faults are healed: wait until the cluster is whole again (one leader every node
// agrees on, every node has applied what the leader has committed), then run the final reads
// against the leader, retrying until each succeeds.
import type { ChaosCluster } from './cluster.js';
import type { History } from './history.js';
import { opClient } from './op-client.js';
import { classifyError } from './outcome.js';
import { FINAL_PROCESS_BASE, type Workload } from './workloads/workload.js';

const POLL_MS = 200;

export interface Recovery {
  readonly ok: boolean;
  readonly ms: number;
  readonly message: string;
}

export async function waitForRecovery(cluster: ChaosCluster, timeoutMs: number): Promise<Recovery> {
  const start = performance.now();
  let last = 'no node answered';
  while (performance.now() - start < timeoutMs) {
    const statuses = await cluster.statuses();
    const leaders = statuses.filter((s) => s?.role === 'leader');
    if (statuses.some((s) => s === null)) last = `nodes not answering: ${cluster.nodes.filter((_, i) => statuses[i] === null).map((n) => n.address.id).join(', ')}`;
    else if (leaders.length !== 1) last = `${leaders.length} nodes claim leadership`;
    else {
      const leader = leaders[0]!;
      const leaderId = cluster.nodes[statuses.indexOf(leader)]!.address.id;
      const disagree = statuses.filter((s) => s!.leaderId !== leaderId || s!.term !== leader.term);
      const behind = statuses.filter((s) => s!.appliedIndex < leader.commitIndex);
      if (disagree.length === 0 && behind.length === 0) {
        return { ok: true, ms: Math.round(performance.now() - start), message: `leader ${leaderId} (term ${leader.term}), all nodes applied ${leader.commitIndex}` };
      }
      last = disagree.length > 0 ? `${disagree.length} nodes disagree on the leader` : `${behind.length} nodes behind commit index ${leader.commitIndex}`;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { ok: false, ms: Math.round(performance.now() - start), message: `not recovered after ${timeoutMs} ms: ${last}` };
}

/** Runs each final op until it succeeds or `timeoutMs` passes; every attempt is in the history. */
export async function finalReads(cluster: ChaosCluster, workload: Workload, history: History, opTimeoutMs: number, timeoutMs: number, nowNs: () => number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let process = FINAL_PROCESS_BASE;
  for (const op of workload.finalOps()) {
    for (;;) {
      if (performance.now() > deadline) return false;
      const leaderId = (await cluster.leader()) ?? cluster.nodes[0]!.address.id;
      const node = cluster.node(leaderId).address;
      const client = opClient(node, opTimeoutMs);
      history.invoke(process, op.f, op.key, op.value, leaderId, nowNs());
      try {
        await client.connect();
        const value = await workload.execute(client, op);
        history.complete(process, 'ok', value, nowNs());
        process++;
        break;
      } catch (e) {
        const out = classifyError(e);
        history.complete(process, out.type, null, nowNs(), out.error);
        process++;
        await new Promise((r) => setTimeout(r, POLL_MS));
      } finally {
        client.disconnect();
      }
    }
  }
  return true;
}
