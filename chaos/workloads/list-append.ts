// List-append (Elle): transactions of 1-4 micro-ops — RPUSH of unique integers and LRANGE reads
// on a few keys — in MULTI/EXEC, checked by the Elle-style checker for strict serializability.
// A transaction is recorded as one op: its micro-ops as JSON in the invoke, filled in with what
// the reads saw in the completion.
import type { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import { checkListAppend, type ListAppendTxn, type MicroOp } from '../checkers/list-append.js';
import type { CompletedOp, OpValue } from '../history.js';
import type { CheckOutcome, Workload, WorkloadOp } from './workload.js';

const KEYS = ['l0', 'l1', 'l2', 'l3', 'l4'];
const READ_SHARE = 0.5;
const MICRO_OPS_MAX = 4;

/** A micro-op as the history stores it: [f, key, value]. */
type StoredMicroOp = ['append', string, number] | ['r', string, number[] | null];

export class ListAppendWorkload implements Workload {
  private readonly nextValue = new Map<string, number>();

  nextOp(rng: Rng): WorkloadOp {
    const micro: StoredMicroOp[] = [];
    const n = 1 + rng.int(MICRO_OPS_MAX);
    for (let i = 0; i < n; i++) {
      const key = KEYS[rng.int(KEYS.length)]!;
      if (rng.next() < READ_SHARE) {
        micro.push(['r', key, null]);
        continue;
      }
      const v = (this.nextValue.get(key) ?? 0) + 1;
      this.nextValue.set(key, v);
      micro.push(['append', key, v]);
    }
    return { f: 'txn', key: micro.map((m) => m[1]).join(','), value: JSON.stringify(micro) };
  }

  async execute(client: Redis, op: WorkloadOp): Promise<OpValue> {
    if (op.f === 'read') return (await client.lrange(op.key, 0, -1)).map(Number);
    const micro = JSON.parse(op.value as string) as StoredMicroOp[];
    const multi = client.multi();
    for (const [f, key, v] of micro) {
      if (f === 'r') multi.lrange(key, 0, -1);
      else multi.rpush(key, String(v));
    }
    const replies = await multi.exec();
    if (replies === null) throw new Error('EXEC answered nil without WATCH');
    const done = micro.map((m, i): StoredMicroOp => {
      const [err, reply] = replies[i] ?? [new Error('EXEC answered too few replies'), null];
      if (err) throw err;
      return m[0] === 'r' ? ['r', m[1], (reply as string[]).map(Number)] : m;
    });
    return JSON.stringify(done);
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
    let micro: MicroOp[];
    if (op.f === 'txn') {
      const stored = JSON.parse((op.type === 'ok' ? op.value : op.arg) as string) as StoredMicroOp[];
      // Reads of a transaction that did not complete saw nothing anyone knows.
      micro = stored.map(([f, key, v]) => (f === 'append' ? { f, key, value: v } : { f, key, value: op.type === 'ok' ? v : null }));
    } else if (op.f === 'append') {
      micro = [{ f: 'append', key: op.key, value: op.arg as number }];
    } else {
      micro = [{ f: 'r', key: op.key, value: op.type === 'ok' ? (op.value as number[]) : null }];
    }
    return { process: op.process, type: op.type, ops: micro, callNs: op.callNs, returnNs: op.type === 'ok' ? op.completeNs : null };
  });
}
