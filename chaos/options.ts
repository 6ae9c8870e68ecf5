// What one chaos run is asked to do: the CLI's flags, validated, as plain data.

export const WORKLOADS = ['register', 'set', 'counter', 'list-append'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Fault families and their variants; a family name on the command line enables all its variants. */
export const NEMESIS_VARIANTS = {
  kill: ['kill-random', 'kill-leader', 'kill-majority'],
  pause: ['pause-random', 'pause-leader'],
  partition: ['partition-halves', 'partition-leader', 'partition-ring', 'partition-bridge'],
  skew: ['skew-random', 'skew-leader'],
} as const;
export type NemesisFamily = keyof typeof NEMESIS_VARIANTS;
export type NemesisVariant = (typeof NEMESIS_VARIANTS)[NemesisFamily][number];

export type BackendChoice = 'auto' | 'netns' | 'proxy';

export interface RunOptions {
  readonly workload: WorkloadName;
  readonly nemeses: readonly NemesisVariant[];
  readonly nodes: number;
  readonly timeSec: number;
  readonly concurrency: number;
  /** Target operations per second, all processes together. */
  readonly rate: number;
  readonly seed: number;
  /** Parent directory: the run writes its report into a new subdirectory. */
  readonly outDir: string;
  readonly backend: BackendChoice;
  /** Extra `--name value` server flags (e.g. the planted bug `read-consistency stale`). */
  readonly serverArgs: readonly string[];
  /** How long a client waits for a reply before the op's outcome is unknown. */
  readonly opTimeoutMs: number;
  /** Mean seconds between fault starts; each fault lasts about as long. */
  readonly nemesisIntervalSec: number;
  readonly recoveryTimeoutSec: number;
  readonly progress: boolean;
}

export const NODES_MAX = 9;
export const CONCURRENCY_MAX = 200;
export const TIME_SEC_MAX = 24 * 3600;

export function parseNemeses(spec: string): NemesisVariant[] {
  const out = new Set<NemesisVariant>();
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (raw === 'none') continue;
    if (raw in NEMESIS_VARIANTS) {
      for (const v of NEMESIS_VARIANTS[raw as NemesisFamily]) out.add(v);
      continue;
    }
    const all: readonly string[] = Object.values(NEMESIS_VARIANTS).flat();
    if (!all.includes(raw)) throw new Error(`unknown nemesis "${raw}": use none or any of ${[...Object.keys(NEMESIS_VARIANTS), ...all].join(', ')}`);
    out.add(raw as NemesisVariant);
  }
  return [...out];
}

export function validateOptions(o: RunOptions): void {
  const intIn = (name: string, v: number, min: number, max: number): void => {
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} must be an integer in ${min}..${max}, got ${v}`);
  };
  if (!WORKLOADS.includes(o.workload)) throw new Error(`--workload must be one of ${WORKLOADS.join(', ')}`);
  intIn('nodes', o.nodes, 1, NODES_MAX);
  intIn('time', o.timeSec, 1, TIME_SEC_MAX);
  intIn('concurrency', o.concurrency, 1, CONCURRENCY_MAX);
  intIn('rate', o.rate, 1, 1_000_000);
  intIn('seed', o.seed, 0, 2 ** 32 - 1);
  intIn('op-timeout-ms', o.opTimeoutMs, 100, 600_000);
  intIn('recovery-timeout', o.recoveryTimeoutSec, 1, 3600);
  if (!(o.nemesisIntervalSec > 0)) throw new Error('--nemesis-interval must be positive');
  if (o.serverArgs.length % 2 !== 0) throw new Error('--server-arg takes "name value" pairs');
}
