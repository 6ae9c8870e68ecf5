// `npm run chaos:campaign -- --runs 50 [run flags]`: the same run with seeds seed, seed+1, ...;
// prints each run's summary line, then a tally, writes campaign.json, exits 1 if any run failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { addRunOptions, toRunOptions } from './cli-options.js';
import { wasInterrupted } from './cleanup.js';
import { runChaos, type RunOutcome } from './runner.js';

const program = addRunOptions(new Command('chaos:campaign'))
  .description('Many chaos runs with consecutive seeds; a summary of which failed.')
  .option('--runs <n>', 'number of runs', (v: string) => Number(v), 10);
program.parse();
const raw = program.opts();

try {
  const runs = raw['runs'] as number;
  if (!Number.isInteger(runs) || runs < 1 || runs > 10_000) throw new Error('--runs must be an integer in 1..10000');
  const base = toRunOptions(raw as Parameters<typeof toRunOptions>[0]);
  const dir = resolve(base.outDir, `campaign-${base.workload}-seed${base.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  const outcomes: { seed: number; outcome: RunOutcome | null; error?: string }[] = [];
  for (let i = 0; i < runs && !wasInterrupted(); i++) {
    const seed = (base.seed + i) >>> 0;
    try {
      const outcome = await runChaos({ ...base, seed, outDir: dir });
      process.stdout.write(`[${i + 1}/${runs}] ${outcome.summary}\n`);
      outcomes.push({ seed, outcome });
    } catch (e) {
      process.stdout.write(`[${i + 1}/${runs}] seed ${seed}: ERROR ${(e as Error).message}\n`);
      outcomes.push({ seed, outcome: null, error: (e as Error).message });
    }
  }
  const failed = outcomes.filter((x) => x.outcome === null || !x.outcome.ok);
  writeFileSync(
    join(dir, 'campaign.json'),
    `${JSON.stringify({ options: base, runs: outcomes.map((x) => ({ seed: x.seed, ok: x.outcome?.ok ?? false, verdict: x.outcome?.results?.verdict ?? 'error', reportDir: x.outcome?.reportDir ?? null, error: x.error })) }, null, 2)}\n`,
  );
  process.stdout.write(`campaign: ${outcomes.length - failed.length}/${outcomes.length} runs passed${failed.length > 0 ? `; failed seeds: ${failed.map((x) => x.seed).join(', ')}` : ''} (${join(dir, 'campaign.json')})\n`);
  process.exit(failed.length === 0 ? 0 : 1);
} catch (e) {
  process.stderr.write(`chaos:campaign: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(2);
}
