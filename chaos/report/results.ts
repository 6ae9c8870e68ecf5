// results.json: the run's verdict, per checker, with everything needed to understand it.
import type { Detection } from '../backends/detect.js';
import type { RunOptions } from '../options.js';
import type { Recovery } from '../recovery.js';
import type { ScheduledFault } from '../schedule.js';
import type { CheckOutcome, Verdict } from '../workloads/workload.js';

export interface RunResults {
  /** False if any checker found a violation, the cluster did not recover, or a final read never succeeded. */
  readonly ok: boolean;
  readonly verdict: Verdict;
  readonly options: RunOptions;
  readonly backend: string;
  readonly detection: Detection;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly ops: { readonly ok: number; readonly fail: number; readonly info: number };
  readonly schedule: readonly ScheduledFault[];
  readonly nemesisErrors: readonly string[];
  readonly recovery: Recovery;
  readonly finalReadsOk: boolean;
  readonly checks: readonly CheckOutcome[];
  readonly serverPids: readonly number[];
}

export function overallVerdict(checks: readonly CheckOutcome[], recovery: Recovery, finalReadsOk: boolean): { ok: boolean; verdict: Verdict } {
  if (checks.some((c) => c.verdict === 'invalid') || !recovery.ok || !finalReadsOk) return { ok: false, verdict: checks.some((c) => c.verdict === 'invalid') ? 'invalid' : 'unknown' };
  return { ok: true, verdict: checks.every((c) => c.verdict === 'valid') ? 'valid' : 'unknown' };
}
