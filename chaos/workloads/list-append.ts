// List-append (Elle): RPUSH of unique integers and LRANGE reads on a few keys, each op its own
// single-operation transaction (the server has no MULTI/EXEC yet), checked by the Elle-style
// checker for strict serializability.
import type { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import { checkListAppend, type ListAppendTxn, type MicroOp } from '../checkers/list-append.js';
import type { CompletedOp, OpValue } from '../history.js';
import type { CheckOutcome, Workload, WorkloadOp } from './workload.js';

const KEYS = ['l0', 'l1', 'l2', 'l3', 'l4'];
const READ_SHARE = 0.5;

export class ListAppendWorkload implements Workload {
  private readonly nextValue = new Map<string, number>();

  nextOp(rng: Rng): WorkloadOp {
    const key = KEYS[rng.int(KEYS.length)]!;
    if (rng.next() < READ_SHARE) return { f: 'read', key, value: null };
    const v = (this.nextValue.get(key) ?? 0) + 1;
    this.nextValue.set(key, v);
    return { f: 'append', key, value: v };
  }

  async execute(client: Redis, op: WorkloadOp): Promise<OpValue> {
    if (op.f === 'read') return (await client.lrange(op.key, 0, -1)).map(Number);
    return client.rpush(op.key, String(op.value));
  }

  finalOps(): WorkloadOp[] {
    return KEYS.map((key) => ({ f: 'read', key, value: null }));
  }

  async check(ops: readonly CompletedOp[]): Promise<CheckOutcome[]> {
    const r = checkListAppend(toListAppendTxns(ops), { consistency: 'strict-serializable' });
    return [{ checker: 'list-append', verdict: r.ok ? 'valid' : 'invalid', message: r.message, details: r }];
  }
}

export function toListAppendTxns(ops: readonly CompletedOp[]): ListAppendTxn[] {
  return ops.map((op) => {
    const micro: MicroOp =
      op.f === 'append'
        ? { f: 'append', key: op.key, value: op.arg as number }
        : { f: 'r', key: op.key, value: op.type === 'ok' ? (op.value as number[]) : null };
    return { process: op.process, type: op.type, ops: [micro], callNs: op.callNs, returnNs: op.type === 'ok' ? op.completeNs : null };
  });
}
