// Registers: GET, SET of unique values, and compare-and-set (WATCH, GET, MULTI/SET/EXEC) on a
// few keys, checked for linearizability per key.
import type { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import { checkRegisterLinearizability, type RegisterOperation } from '../checkers/register-linearizability.js';
import type { CompletedOp, OpValue } from '../history.js';
import { DefiniteFailure } from '../outcome.js';
import type { CheckOutcome, Workload, WorkloadOp } from './workload.js';

const KEYS = ['r0', 'r1', 'r2', 'r3', 'r4'];
const READ_SHARE = 0.4;
const CAS_SHARE = 0.3;

export class RegisterWorkload implements Workload {
  private nextValue = 1;
  /** The last value this workload generated per key: the likeliest current value to compare with. */
  private readonly lastWritten = new Map<string, string>();

  nextOp(rng: Rng): WorkloadOp {
    const key = KEYS[rng.int(KEYS.length)]!;
    const dice = rng.next();
    if (dice < READ_SHARE) return { f: 'read', key, value: null };
    const next = String(this.nextValue++);
    const expected = this.lastWritten.get(key);
    this.lastWritten.set(key, next);
    if (dice < READ_SHARE + CAS_SHARE && expected !== undefined) return { f: 'cas', key, value: [expected, next] };
    return { f: 'write', key, value: next };
  }

  async execute(client: Redis, op: WorkloadOp): Promise<OpValue> {
    if (op.f === 'read') return client.get(op.key);
    if (op.f === 'cas') return compareAndSet(client, op.key, ...(op.value as [string, string]));
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

/**
 * SET key `next` if it holds `expected`, with Redis's optimistic locking. A comparison that
 * fails, or an EXEC that WATCH aborts, definitely wrote nothing.
 */
async function compareAndSet(client: Redis, key: string, expected: string, next: string): Promise<OpValue> {
  await client.watch(key);
  const current = await client.get(key);
  if (current !== expected) {
    await client.unwatch();
    throw new DefiniteFailure(`cas: ${key} holds ${current ?? 'nothing'}, not ${expected}`);
  }
  const replies = await client.multi().set(key, next).exec();
  if (replies === null) throw new DefiniteFailure(`cas: ${key} changed after WATCH`);
  const [err, reply] = replies[0] ?? [new Error('cas: EXEC answered no reply'), null];
  if (err) throw err;
  return reply as string;
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
    } else if (op.f === 'cas') {
      const [expected, next] = op.arg as string[];
      out.push({ process: op.process, key: op.key, f: 'cas', expected: expected!, value: next!, callNs: op.callNs, returnNs: op.type === 'ok' ? op.completeNs : null });
    }
  }
  return out;
}
