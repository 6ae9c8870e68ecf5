// Counters: INCRBY of small positive deltas on one key, GET reads, and a final GET; each read
// must lie between the acknowledged and the attempted sum.
import type { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import { checkCounter, type CounterAdd, type CounterRead } from '../checkers/counter.js';
import type { CompletedOp, OpValue } from '../history.js';
import { FINAL_PROCESS_BASE, outcomeOf, type CheckOutcome, type Workload, type WorkloadOp } from './workload.js';

const KEY = 'chaos-counter';
const READ_SHARE = 0.2;
const DELTA_MAX = 5;

export class CounterWorkload implements Workload {
  nextOp(rng: Rng): WorkloadOp {
    if (rng.next() < READ_SHARE) return { f: 'read', key: KEY, value: null };
    return { f: 'add', key: KEY, value: 1 + rng.int(DELTA_MAX) };
  }

  async execute(client: Redis, op: WorkloadOp): Promise<OpValue> {
    if (op.f === 'read') {
      const v = await client.get(op.key);
      return v === null ? 0 : Number(v);
    }
    return client.incrby(op.key, op.value as number);
  }

  finalOps(): WorkloadOp[] {
    return [{ f: 'read', key: KEY, value: null }];
  }

  async check(ops: readonly CompletedOp[]): Promise<CheckOutcome[]> {
    const adds: CounterAdd[] = [];
    const reads: CounterRead[] = [];
    let finalRead: CounterRead | null = null;
    for (const op of ops) {
      if (op.f === 'add') {
        adds.push({ process: op.process, delta: op.arg as number, outcome: outcomeOf(op.type), callNs: op.callNs, returnNs: op.type === 'ok' ? op.completeNs : null });
      } else if (op.f === 'read' && op.type === 'ok') {
        const read: CounterRead = { process: op.process, value: op.value as number, callNs: op.callNs, returnNs: op.completeNs };
        if (op.process >= FINAL_PROCESS_BASE) finalRead = read;
        else reads.push(read);
      }
    }
    if (finalRead === null) return [{ checker: 'counter', verdict: 'unknown', message: 'no final read succeeded', details: null }];
    const r = checkCounter({ adds, reads, finalRead });
    return [{ checker: 'counter', verdict: r.ok ? 'valid' : 'invalid', message: r.message, details: r }];
  }
}
