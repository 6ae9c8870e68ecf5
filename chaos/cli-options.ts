// The run flags, shared by `npm run chaos` and `npm run chaos:campaign`, and their inverse (the
// netns backend re-executes the CLI inside the namespace with the same options).
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseNemeses, validateOptions, WORKLOADS, type BackendChoice, type RunOptions, type WorkloadName } from './options.js';

const int = (v: string): number => {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('not an integer');
  return Number(v);
};

export function addRunOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-w, --workload <name>', 'what the clients do: register (GET/SET, linearizability), set (SADD + SMEMBERS), counter (INCRBY + GET), list-append (RPUSH + LRANGE)').choices(WORKLOADS).default('register'))
    .option('-n, --nemesis <list>', 'faults, comma separated: families kill, pause, partition, skew, or variants kill-random, kill-leader, kill-majority, pause-random, pause-leader, partition-halves, partition-leader, partition-ring, partition-bridge, skew-random, skew-leader; none for no faults', 'partition,kill')
    .option('--nodes <n>', 'cluster size', int, 5)
    .option('-t, --time <seconds>', 'how long the workload runs (faults happen during it)', int, 60)
    .option('-c, --concurrency <n>', 'concurrent client processes', int, 10)
    .option('-r, --rate <ops>', 'target operations per second, all clients together', int, 500)
    .option('-s, --seed <n>', 'seed for the fault schedule and the clients\' choices (the same seed gives the same faults)', int, 42)
    .option('-o, --out <dir>', 'parent directory of the report directories', 'chaos-reports')
    .addOption(new Option('-b, --backend <name>', 'how faults are injected: netns (root on Linux: namespaces + iptables), proxy (TCP proxies on 127.0.0.1), auto (netns when available)').choices(['auto', 'netns', 'proxy']).default('auto'))
    .option('--server-arg <name=value>', 'extra server config for every node, repeatable (e.g. read-consistency=stale to plant a bug)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--op-timeout-ms <ms>', 'client wait for a reply before an op counts as unknown (servers get half of it as raft-request-timeout-ms)', int, 4000)
    .option('--nemesis-interval <seconds>', 'mean time between faults and mean fault duration', Number, 5)
    .option('--recovery-timeout <seconds>', 'how long the healed cluster has to elect a leader and catch up', int, 60)
    .option('--no-progress', 'no progress display on stderr');
}

interface RawOptions {
  workload: string;
  nemesis: string;
  nodes: number;
  time: number;
  concurrency: number;
  rate: number;
  seed: number;
  out: string;
  backend: string;
  serverArg: string[];
  opTimeoutMs: number;
  nemesisInterval: number;
  recoveryTimeout: number;
  progress: boolean;
}

export function toRunOptions(raw: RawOptions): RunOptions {
  const serverArgs = raw.serverArg.flatMap((s) => {
    const i = s.indexOf('=');
    if (i <= 0) throw new Error(`--server-arg ${s}: expected name=value`);
    return [s.slice(0, i), s.slice(i + 1)];
  });
  const o: RunOptions = {
    workload: raw.workload as WorkloadName,
    nemeses: parseNemeses(raw.nemesis),
    nodes: raw.nodes,
    timeSec: raw.time,
    concurrency: raw.concurrency,
    rate: raw.rate,
    seed: raw.seed,
    outDir: raw.out,
    backend: raw.backend as BackendChoice,
    serverArgs,
    opTimeoutMs: raw.opTimeoutMs,
    nemesisIntervalSec: raw.nemesisInterval,
    recoveryTimeoutSec: raw.recoveryTimeout,
    progress: raw.progress,
  };
  validateOptions(o);
  return o;
}

export function optionsToArgv(o: RunOptions): string[] {
  const argv = [
    '--workload', o.workload,
    '--nemesis', o.nemeses.length > 0 ? o.nemeses.join(',') : 'none',
    '--nodes', String(o.nodes),
    '--time', String(o.timeSec),
    '--concurrency', String(o.concurrency),
    '--rate', String(o.rate),
    '--seed', String(o.seed),
    '--out', o.outDir,
    '--backend', 'netns',
    '--op-timeout-ms', String(o.opTimeoutMs),
    '--nemesis-interval', String(o.nemesisIntervalSec),
    '--recovery-timeout', String(o.recoveryTimeoutSec),
  ];
  for (let i = 0; i < o.serverArgs.length; i += 2) argv.push('--server-arg', `${o.serverArgs[i]}=${o.serverArgs[i + 1]}`);
  if (!o.progress) argv.push('--no-progress');
  return argv;
}
