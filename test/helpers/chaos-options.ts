// Options for the short chaos runs of the test suite: 3 nodes, a few seconds, kill + partition.
import { parseNemeses, type RunOptions, type WorkloadName } from '../../chaos/options.js';

export function shortChaosRun(workload: WorkloadName, outDir: string, over: Partial<RunOptions> = {}): RunOptions {
  return {
    workload,
    nemeses: parseNemeses('kill,partition'),
    nodes: 3,
    timeSec: 10,
    concurrency: 5,
    rate: 100,
    seed: 7,
    outDir,
    backend: 'auto',
    serverArgs: [],
    opTimeoutMs: 4000,
    nemesisIntervalSec: 2,
    recoveryTimeoutSec: 30,
    progress: false,
    ...over,
  };
}
