// List-append (Elle): RPUSH of unique integers and LRANGE reads on a few keys, each op its own
// single-operation transaction (the server has no MULTI/EXEC yet). The Elle-style checker lives
// in chaos/checkers/list-append.ts, written on another branch: it is loaded when present, and
// until then the history is recorded and the verdict is "unknown (checker pending)".
import type { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import type { CompletedOp, OpValue } from '../history.js';
import type { CheckOutcome, Workload, WorkloadOp } from './workload.js';

// The checker's interface (chaos/checkers/list-append.ts), as agreed between the branches.
export type MicroOp = { f: 'append'; key: string; value: number } | { f: 'r'; key: string; value: number[] | null };
export interface ListAppendTxn { process: number; type: 'ok' | 'fail' | 'info'; ops: MicroOp[]; callNs: number; returnNs: number | null }
export interface ListAppendCheckResult { ok: boolean; anomalies: { type: string; message: string; txns: ListAppendTxn[] }[]; txnCount: number; message: string }
type CheckListAppend = (txns: ListAppendTxn[], opts?: { consistency?: 'serializable' | 'strict-serializable' }) => ListAppendCheckResult;

const KEYS = ['l0', 'l1', 'l2', 'l3', 'l4'];
const READ_SHARE = 0.5;
/** A path the compiler does not resolve, so this branch builds before the checker lands. */
const CHECKER_MODULE = '../checkers/list-append.js';

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
    const txns = toListAppendTxns(ops);
    let checkListAppend: CheckListAppend;
    try {
      const mod = (await import(CHECKER_MODULE)) as { checkListAppend: CheckListAppend };
      checkListAppend = mod.checkListAppend;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
      return [{ checker: 'list-append', verdict: 'unknown', message: `checker pending: ${txns.length} transactions recorded, chaos/checkers/list-append.ts is not in this build`, details: null }];
    }
    const r = checkListAppend(txns, { consistency: 'strict-serializable' });
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
