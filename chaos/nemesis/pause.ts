// SIGSTOP of one node or the leader; stop sends SIGCONT to that same PID (if it still runs).
import type { Fault } from '../schedule.js';
import { faultTarget, type NemesisContext, type StartedFault } from './fault.js';

export async function startPause(ctx: NemesisContext, fault: Extract<Fault, { kind: 'pause' }>): Promise<StartedFault> {
  const { id, note } = await faultTarget(ctx, fault);
  const pid = ctx.cluster.pause(id);
  return {
    detail: pid !== null ? `SIGSTOP ${note}${id} (pid ${pid})` : `pause: ${id} not running`,
    stop: async () => {
      if (pid === null) return 'nothing to resume';
      const resumed = ctx.cluster.resume(id, pid);
      return resumed !== null ? `SIGCONT ${id} (pid ${resumed})` : `${id} no longer paused`;
    },
  };
}
