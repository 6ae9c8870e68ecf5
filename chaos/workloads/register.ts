// Registers: GET and SET of unique values on a few keys, checked for linearizability per key.
// (No compare-and-set: the server has no WATCH/MULTI or Lua yet.)
import type { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import { checkRegisterLinearizability, type RegisterOperation } from '../checkers/register-linearizability.js';
import type { CompletedOp, OpValue } from '../history.js';
import type { CheckOutcome, Workload, WorkloadOp } from './workload.js';

const KEYS = ['r0', 'r1', 'r2', 'r3', 'r4'];
const READ_SHARE = 0.5;

export class RegisterWorkload implements Workload {
  private nextValue = 1;

  nextOp(rng: Rng): WorkloadOp {
    const key = KEYS[rng.int(KEYS.length)]!;
    if (rng.next() < READ_SHARE) return { f: 'read', key, value: null };
    return { f: 'write', key, value: String(this.nextValue++) };
  }

  async execute(client: Redis, op: WorkloadOp): Promise<OpValue> {
    if (op.f === 'read') return client.get(op.key);
    return client.set(op.key, op.value as string);
  }

  finalOps(): WorkloadOp[] {
    return KEYS.map((key) => ({ f: 'read', key, value: null }));
  }

  async check(ops: readonly CompletedOp[]): Promise<CheckOutcome[]> {
    const history = toRegisterOperations(ops);
    try {
      const r = checkRegisterLinearizability(history);
      if (r.ok) return [{ checker: 'register-linearizability', verdict: 'valid', message: `linearizable (${history.length} ops on ${KEYS.length} keys)`, details: r }];
      return [{ checker: 'register-linearizability', verdict: 'invalid', message: `not linearizable: key ${r.key}: ${r.message}`, details: r }];
    } catch (e) {
      // The search gave up (budget): neither verdict is known.
      return [{ checker: 'register-linearizability', verdict: 'unknown', message: (e as Error).message, details: null }];
    }
  }
}

/** Reads that failed or went unanswered say nothing; writes that definitely failed never happened. */
export function toRegisterOperations(ops: readonly CompletedOp[]): RegisterOperation[] {
  const out: RegisterOperation[] = [];
  for (const op of ops) {
    if (op.type === 'fail') continue;
    if (op.f === 'read') {
      if (op.type !== 'ok') continue;
      out.push({ process: op.process, key: op.key, f: 'read', value: op.value as string | null, callNs: op.callNs, returnNs: op.completeNs });
    } else if (op.f === 'write') {
      out.push({ process: op.process, key: op.key, f: 'write', value: op.arg as string, callNs: op.callNs, returnNs: op.type === 'ok' ? op.completeNs : null });
    }
  }
  return out;
}
