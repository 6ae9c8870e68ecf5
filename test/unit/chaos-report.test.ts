// The HTML report renders offline (inline SVG, no scripts, no external URLs) and shows a failing
// checker's window with the node each op talked to.
import { describe, expect, it } from 'vitest';
import { completedOps, History, nemesisIntervals } from '../../chaos/history.js';
import { parseNemeses } from '../../chaos/options.js';
import { renderHtml } from '../../chaos/report/html.js';
import type { RunResults } from '../../chaos/report/results.js';
import { overallVerdict } from '../../chaos/report/results.js';
import { RegisterWorkload } from '../../chaos/workloads/register.js';

describe('renderHtml', () => {
  it('renders a failing register run with plots, faults and the window', async () => {
    const h = new History();
    h.invoke(0, 'write', 'r0', '1', 1, 1e6);
    h.complete(0, 'ok', 'OK', 2e6);
    h.nemesis('start', 1, 'partition-leader', 'isolated leader 1: 1→{} 2→{3} 3→{2}', 2.5e6);
    h.invoke(1, 'write', 'r0', '2', 2, 3e6);
    h.complete(1, 'ok', 'OK', 4e6);
    h.invoke(2, 'read', 'r0', null, 1, 5e6);
    h.complete(2, 'ok', '1', 6e6); // stale: "2" was acknowledged before this read began
    h.invoke(3, 'read', 'r0', null, 3, 5e6);
    h.complete(3, 'info', null, 9e6, 'Command timed out');
    h.nemesis('stop', 1, 'partition-leader', 'healed', 8e6);
    const ops = completedOps(h.events);
    const checks = await new RegisterWorkload().check(ops);
    expect(checks[0]!.verdict).toBe('invalid');
    const recovery = { ok: true, ms: 5, message: 'leader 2' };
    const results: RunResults = {
      ...overallVerdict(checks, recovery, true),
      options: { workload: 'register', nemeses: parseNemeses('partition'), nodes: 3, timeSec: 1, concurrency: 4, rate: 10, seed: 1, outDir: '/tmp', backend: 'proxy', serverArgs: [], opTimeoutMs: 1000, nemesisIntervalSec: 1, recoveryTimeoutSec: 1, progress: false },
      backend: 'proxy',
      detection: { netns: { available: false, reason: 'x' }, proxy: { available: true, reason: 'y' }, docker: { available: false, reason: 'z' } },
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 10,
      ops: { ok: 3, fail: 0, info: 1 },
      schedule: [],
      nemesisErrors: [],
      recovery,
      finalReadsOk: true,
      checks,
      serverPids: [],
    };
    expect(results.ok).toBe(false);
    const html = renderHtml(results, ops, nemesisIntervals(h.events), 10e6);
    expect(html).toContain('FAIL: invalid');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toMatch(/<script|src=|https?:\/\//);
    expect(html).toContain('partition-leader');
    // The window row of the stale read: process 2, talked to node 1, read "1".
    expect(html).toMatch(/<tr><td>2<\/td><td>1<\/td><td>read<\/td><td>r0<\/td><td>&quot;1&quot;<\/td>/);
  });
});
