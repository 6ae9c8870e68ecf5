// What every fault implementation gets and gives back: start it now, describe what was done,
// and a stop that undoes exactly that.
import type { ChaosCluster } from '../cluster.js';

export interface NemesisContext {
  readonly cluster: ChaosCluster;
}

export interface StartedFault {
  /** What was done, nodes and PIDs resolved ("killed 2 (pid 4242)"). */
  readonly detail: string;
  /** Undoes the fault; returns what was done. */
  stop(): Promise<string>;
}

/** The leader now, or — when none is known (mid-election) — the lowest-id running node. */
export async function leaderOrAny(ctx: NemesisContext): Promise<{ id: number; note: string }> {
  const id = await ctx.cluster.leader();
  if (id !== null) return { id, note: 'leader' };
  const running = ctx.cluster.nodes.find((n) => n.state === 'running');
  return { id: running?.address.id ?? 1, note: 'no leader known, picked' };
}

/** The node a fault aimed at one node acts on: its chosen node, or the leader now. */
export async function faultTarget(ctx: NemesisContext, fault: { nodes: readonly number[]; target: string }): Promise<{ id: number; note: string }> {
  if (fault.target !== 'leader') return { id: fault.nodes[0]!, note: '' };
  const l = await leaderOrAny(ctx);
  return { id: l.id, note: `${l.note} ` };
}
