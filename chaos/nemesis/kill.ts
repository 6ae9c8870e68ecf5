// kill -9 of one node, the leader or a majority; stop restarts them on the same data directory.
import type { Fault } from '../schedule.js';
import { leaderOrAny, type NemesisContext, type StartedFault } from './fault.js';

export async function startKill(ctx: NemesisContext, fault: Extract<Fault, { kind: 'kill' }>): Promise<StartedFault> {
  let targets = [...fault.nodes];
  let note = '';
  if (fault.target === 'leader') {
    const l = await leaderOrAny(ctx);
    targets = [l.id];
    note = `${l.note} `;
  }
  const killed: string[] = [];
  const victims: number[] = [];
  for (const id of targets) {
    const pid = await ctx.cluster.kill(id);
    if (pid !== null) {
      killed.push(`${id} (pid ${pid})`);
      victims.push(id);
    }
  }
  return {
    detail: killed.length > 0 ? `kill -9 ${note}${killed.join(', ')}` : `kill: ${targets.join(', ')} not running`,
    stop: async () => {
      const dead = victims.filter((id) => ctx.cluster.node(id).state === 'dead');
      const pids = await Promise.all(dead.map((id) => ctx.cluster.start(id)));
      const started = dead.map((id, i) => `${id} (pid ${pids[i]})`);
      return started.length > 0 ? `restarted ${started.join(', ')}` : 'nothing to restart';
    },
  };
}
