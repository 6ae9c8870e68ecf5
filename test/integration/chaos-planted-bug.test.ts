// The suite must catch a planted bug: with read-consistency stale every node answers GET from
// its local state without ReadIndex, so an isolated old leader (and lagging followers) serve
// stale values. Register workload + partitions that isolate the leader: not linearizable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cleanupAll } from '../../chaos/cleanup.js';
import { parseNemeses } from '../../chaos/options.js';
import { runChaos } from '../../chaos/runner.js';
import { shortChaosRun } from '../helpers/chaos-options.js';

const out = mkdtempSync(join(tmpdir(), 'pikiraft-chaos-planted-'));
afterAll(async () => {
  await cleanupAll();
  rmSync(out, { recursive: true, force: true });
});

/** Stale reads need a read to land on a lagging node; a few seeds make missing it very unlikely. */
const ATTEMPTS_MAX = 3;

it('catches stale reads (read-consistency stale) as not linearizable', { timeout: 170_000 }, async () => {
  const summaries: string[] = [];
  for (let attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
    const outcome = await runChaos(
      shortChaosRun('register', out, { seed: 100 + attempt, timeSec: 10, nemesisIntervalSec: 3, concurrency: 6, rate: 200, nemeses: parseNemeses('partition-leader'), serverArgs: ['read-consistency', 'stale'] }),
    );
    summaries.push(outcome.summary);
    const check = outcome.results?.checks[0];
    if (check?.verdict === 'invalid') {
      expect(outcome.ok).toBe(false);
      expect(check.message).toMatch(/^not linearizable: key r\d: /);
      return;
    }
  }
  expect.fail(`the planted bug went unnoticed in ${ATTEMPTS_MAX} runs:\n${summaries.join('\n')}`);
});
