// A workload: what ops the clients run, how one op maps to Redis commands, which reads close the
// run, and how its history is checked.
import type { Redis } from 'ioredis';
import type { Rng } from '../../src/util/rng.js';
import type { CompletedOp, OpValue } from '../history.js';

export interface WorkloadOp {
  readonly f: string;
  readonly key: string;
  readonly value: OpValue;
}

export type Verdict = 'valid' | 'invalid' | 'unknown';

export interface CheckOutcome {
  /** Checker name, e.g. "register-linearizability". */
  readonly checker: string;
  /** unknown: the checker could not decide (or is not available in this build). */
  readonly verdict: Verdict;
  readonly message: string;
  /** The checker's own result (window, anomalies, lost elements...), as JSON. */
  readonly details: unknown;
}

export interface Workload {
  /** Next op for a client process, drawn from that process's own seeded stream. */
  nextOp(rng: Rng): WorkloadOp;
  /** Runs `op`; resolves with what it observed (reads) or returned (writes). Throws the client's error. */
  execute(client: Redis, op: WorkloadOp): Promise<OpValue>;
  /** Reads run once the cluster has recovered: they must see every acknowledged write. */
  finalOps(): WorkloadOp[];
  /** `ops` includes the final reads (their process numbers are FINAL_PROCESS_BASE and up). */
  check(ops: readonly CompletedOp[]): Promise<CheckOutcome[]>;
}

/** Process numbers of the final reads: far above any client's. */
export const FINAL_PROCESS_BASE = 1_000_000_000;

/** Unknown outcome in the checkers' vocabulary. */
export function outcomeOf(type: CompletedOp['type']): 'ok' | 'fail' | 'unknown' {
  return type === 'info' ? 'unknown' : type;
}
