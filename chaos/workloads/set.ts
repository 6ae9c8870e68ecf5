// Sets: SADD of unique elements to one key, occasional SMEMBERS, and a final SMEMBERS.
import type { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import { checkSet, type SetAdd, type SetRead } from '../checkers/set.js';
import type { CompletedOp, OpValue } from '../history.js';
import { FINAL_PROCESS_BASE, outcomeOf, type CheckOutcome, type Workload, type WorkloadOp } from './workload.js';

const KEY = 'chaos-set';
/** SMEMBERS returns the whole set: keep reads rare so they do not dominate the run. */
const READ_SHARE = 0.02;

export class SetWorkload implements Workload {
  private nextElement = 1;

  nextOp(rng: Rng): WorkloadOp {
    if (rng.next() < READ_SHARE) return { f: 'read', key: KEY, value: null };
    return { f: 'add', key: KEY, value: String(this.nextElement++) };
  }

  async execute(client: Redis, op: WorkloadOp): Promise<OpValue> {
    if (op.f === 'read') return client.smembers(op.key);
    return client.sadd(op.key, op.value as string);
  }

  finalOps(): WorkloadOp[] {
    return [{ f: 'read', key: KEY, value: null }];
  }

  async check(ops: readonly CompletedOp[]): Promise<CheckOutcome[]> {
    const adds: SetAdd[] = [];
    const reads: SetRead[] = [];
    let finalRead: SetRead | null = null;
    for (const op of ops) {
      if (op.f === 'add') {
        adds.push({ process: op.process, element: op.arg as string, outcome: outcomeOf(op.type), callNs: op.callNs, returnNs: op.type === 'ok' ? op.completeNs : null });
      } else if (op.f === 'read' && op.type === 'ok') {
        const read: SetRead = { process: op.process, elements: op.value as string[], callNs: op.callNs, returnNs: op.completeNs };
        if (op.process >= FINAL_PROCESS_BASE) finalRead = read;
        else reads.push(read);
      }
    }
    if (finalRead === null) return [{ checker: 'set', verdict: 'unknown', message: 'no final read succeeded', details: null }];
    const r = checkSet({ adds, reads, finalRead });
    // The final read's element list can be huge; the counts say enough.
    const details = { ...r, staleReads: r.staleReads.map((s) => ({ read: { ...s.read, elements: `${s.read.elements.length} elements` }, missing: s.missing })) };
    return [{ checker: 'set', verdict: r.ok ? 'valid' : 'invalid', message: r.message, details }];
  }
}
