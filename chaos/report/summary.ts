// The one summary line a run prints, and reading a finished run's results back.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResults } from './results.js';

export function summaryLine(r: RunResults, reportDir: string): string {
  const o = r.options;
  const checks = r.checks.map((c) => `${c.checker} ${c.verdict}`).join(', ');
  const faults = r.schedule.length;
  return (
    `chaos ${o.workload} seed ${o.seed}: ${r.ok ? 'PASS' : 'FAIL'} (${checks}; ` +
    `recovery ${r.recovery.ok ? 'ok' : 'FAILED'}; ops ${r.ops.ok} ok/${r.ops.fail} fail/${r.ops.info} info; ` +
    `${faults} faults; ${r.backend} backend) report: ${join(reportDir, 'index.html')}`
  );
}

export function readResults(reportDir: string): RunResults | null {
  const p = join(reportDir, 'results.json');
  if (!existsSync(p)) return null;
  return JSON.parse(readFileSync(p, 'utf8')) as RunResults;
}
