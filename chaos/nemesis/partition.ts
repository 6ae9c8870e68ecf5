// Network partitions through the backend: random halves, the leader isolated, a majorities ring
// or a bridge. Stop heals every link.
import type { Fault } from '../schedule.js';
import { bridge, describeCut, halves, isolate, majoritiesRing, type Link } from '../partitions.js';
import { leaderOrAny, type NemesisContext, type StartedFault } from './fault.js';

export async function startPartition(ctx: NemesisContext, fault: Extract<Fault, { kind: 'partition' }>): Promise<StartedFault> {
  const all = ctx.cluster.nodes.map((n) => n.address.id);
  let cut: Link[];
  let note = '';
  switch (fault.shape) {
    case 'halves':
      cut = halves(fault.order);
      break;
    case 'ring':
      cut = majoritiesRing(fault.order);
      break;
    case 'bridge':
      cut = bridge(fault.order);
      break;
    case 'leader': {
      const l = await leaderOrAny(ctx);
      cut = isolate(l.id, all);
      note = `isolated ${l.note} ${l.id}: `;
      break;
    }
  }
  await ctx.cluster.backend.setCut(cut);
  return {
    detail: `${note}${describeCut(cut, all)}`,
    stop: async () => {
      await ctx.cluster.backend.setCut([]);
      return 'healed';
    },
  };
}
