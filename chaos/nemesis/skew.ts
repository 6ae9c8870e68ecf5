// Clock skew: CONFIG SET debug-clock-offset-ms on one node or the leader (a test-only server
// config that offsets the wall clock the node stamps on proposals and judges expiry by). Stop
// sets it back to 0. A node that is down when the skew starts or stops is skipped.
import type { Fault } from '../schedule.js';
import { configSet } from '../control-client.js';
import { faultTarget, type NemesisContext, type StartedFault } from './fault.js';

export async function startSkew(ctx: NemesisContext, fault: Extract<Fault, { kind: 'skew' }>): Promise<StartedFault> {
  const { id, note } = await faultTarget(ctx, fault);
  const address = ctx.cluster.node(id).address;
  const applied = await configSet(address, 'debug-clock-offset-ms', String(fault.offsetMs)).then(
    () => true,
    () => false,
  );
  return {
    detail: applied ? `clock of ${note}${id} offset by ${fault.offsetMs} ms` : `skew: ${id} did not answer`,
    stop: async () => {
      if (!applied) return 'nothing to reset';
      // A node restarted meanwhile already runs with offset 0 (CONFIG SET is not persisted).
      const reset = await configSet(address, 'debug-clock-offset-ms', '0').then(
        () => true,
        () => false,
      );
      return reset ? `clock of ${id} reset` : `${id} did not answer (reset at heal)`;
    },
  };
}
