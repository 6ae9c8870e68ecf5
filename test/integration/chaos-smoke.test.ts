// A short chaos run per workload against real server processes, kill and partition faults: the
// real configuration must pass. Backend auto: netns when root on Linux, else the TCP proxies.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAll } from '../../chaos/cleanup.js';
import { runChaos } from '../../chaos/runner.js';
import { shortChaosRun } from '../helpers/chaos-options.js';

const out = mkdtempSync(join(tmpdir(), 'pikiraft-chaos-smoke-'));
let failed = false;

afterAll(async () => {
  // A run cut short by the test timeout still has servers and namespaces registered: remove them.
  await cleanupAll();
  // Reports of failed runs stay for inspection (their path is in the assertion message).
  if (!failed) rmSync(out, { recursive: true, force: true });
});

describe('chaos smoke', () => {
  for (const workload of ['register', 'set'] as const) {
    it(`${workload} under kill + partition passes`, { timeout: 90_000 }, async () => {
      const outcome = await runChaos(shortChaosRun(workload, out));
      if (!outcome.ok) failed = true;
      expect(outcome.ok, outcome.summary).toBe(true);
      const r = outcome.results!;
      expect(r.checks.map((c) => c.verdict)).toEqual(['valid']);
      expect(r.ops.ok).toBeGreaterThan(0);
      expect(r.recovery.ok).toBe(true);
      for (const f of ['history.jsonl', 'results.json', 'index.html']) expect(existsSync(join(outcome.reportDir, f))).toBe(true);
      const html = readFileSync(join(outcome.reportDir, 'index.html'), 'utf8');
      expect(html).toContain('<svg');
      expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
      // Every server the run started is gone.
      for (const pid of r.serverPids) expect(() => process.kill(pid, 0)).toThrow();
    });
  }
});
