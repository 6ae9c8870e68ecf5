// Simulator entry: npx tsx test/sim/run.ts --seeds 100000 [--seed N] [--nodes 5] [--steps N] [--mutate staleRead|localRead]
// Every run checks Raft's safety properties as it goes and the client history's linearizability at the end.
import { linearizabilityViolation } from './linearizability.js';
import { runSim, type SimOptions } from './sim.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function main(): Promise<number> {
  const seeds = Number(arg('seeds') ?? '1000');
  const first = Number(arg('seed') ?? '1');
  const only = arg('seed') !== undefined && arg('seeds') === undefined;
  const nodesArg = arg('nodes');
  const steps = Number(arg('steps') ?? '3000');
  const mutate = (arg('mutate') ?? 'none') as NonNullable<SimOptions['mutate']>;
  const count = only ? 1 : seeds;
  const startedMs = Date.now();
  for (let k = 0; k < count; k++) {
    const seed = first + k;
    // Alternate 3 and 5 nodes unless pinned, so both shapes get coverage.
    const nodes = nodesArg !== undefined ? Number(nodesArg) : seed % 2 === 0 ? 5 : 3;
    const replay = `npx tsx test/sim/run.ts --seed ${seed} --nodes ${nodes} --steps ${steps}${mutate !== 'none' ? ` --mutate ${mutate}` : ''}`;
    try {
      const r = runSim({ seed, nodes, steps, mutate });
      const violation = linearizabilityViolation(r.history, replay);
      if (violation !== null) {
        console.error(`FAIL seed ${seed}: ${violation}`);
        return 1;
      }
      if (only) console.log(`seed ${seed} ok`, r.stats, `ops ${r.history.length}`);
    } catch (err) {
      console.error(`FAIL seed ${seed}: ${(err as Error).message}`);
      console.error((err as Error).stack);
      console.error(`replay: ${replay}`);
      return 1;
    }
    if (!only && (k + 1) % 1000 === 0) console.log(`${k + 1}/${count} seeds ok (${((Date.now() - startedMs) / 1000).toFixed(1)}s)`);
  }
  console.log(`${count} seed(s) ok in ${((Date.now() - startedMs) / 1000).toFixed(1)}s`);
  return 0;
}

process.exitCode = await main();
