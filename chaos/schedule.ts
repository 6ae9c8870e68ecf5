// The nemesis schedule: which faults start and stop when, drawn from the seed alone, so a run's
// faults replay from its seed. Pure: no clock, no I/O. Targets that depend on who leads at the
// time ("leader") are resolved when the fault starts; random choices are made here.
import { seededRng, type Rng } from '../src/util/rng.js';
import { NEMESIS_VARIANTS, type NemesisFamily, type NemesisVariant } from './options.js';
import { shuffled } from './partitions.js';

export type Fault =
  | { readonly kind: 'kill'; readonly target: 'random' | 'leader' | 'majority'; readonly nodes: readonly number[] }
  | { readonly kind: 'pause'; readonly target: 'random' | 'leader'; readonly nodes: readonly number[] }
  | { readonly kind: 'partition'; readonly shape: 'halves' | 'leader' | 'ring' | 'bridge'; readonly order: readonly number[] }
  | { readonly kind: 'skew'; readonly target: 'random' | 'leader'; readonly nodes: readonly number[]; readonly offsetMs: number };

export interface ScheduledFault {
  readonly id: number;
  readonly variant: NemesisVariant;
  /** Milliseconds from the start of the workload. */
  readonly startMs: number;
  readonly endMs: number;
  readonly fault: Fault;
}

export interface ScheduleInput {
  readonly seed: number;
  readonly nodeIds: readonly number[];
  readonly timeMs: number;
  readonly variants: readonly NemesisVariant[];
  /** Mean gap between faults and mean fault duration. */
  readonly intervalMs: number;
}

/** Faults never start in the last stretch of the run: the workload keeps running a bit after. */
const TAIL_QUIET_MS = 1000;
/** Chance that a fault starts together with one of another family (combinations). */
const COMBINE_PROBABILITY = 0.3;
const SKEW_MIN_MS = 1000;
const SKEW_MAX_MS = 60_000;

export function familyOf(v: NemesisVariant): NemesisFamily {
  for (const [family, variants] of Object.entries(NEMESIS_VARIANTS)) if ((variants as readonly string[]).includes(v)) return family as NemesisFamily;
  throw new Error(`invariant violated: nemesis variant ${v} has no family`);
}

export function generateSchedule(input: ScheduleInput): ScheduledFault[] {
  const { nodeIds, timeMs, variants, intervalMs } = input;
  if (variants.length === 0 || nodeIds.length === 0) return [];
  // Distinct streams per purpose would be nicer; one stream keeps the replay rule simple: same
  // seed and same inputs give the same schedule.
  const rng = seededRng(input.seed ^ 0x5eed);
  const out: ScheduledFault[] = [];
  let t = jitter(intervalMs, rng);
  while (t < timeMs - TAIL_QUIET_MS) {
    const duration = Math.max(200, Math.min(jitter(intervalMs, rng), timeMs - TAIL_QUIET_MS - t));
    const first = variants[rng.int(variants.length)]!;
    const chosen = [first];
    const others = variants.filter((v) => familyOf(v) !== familyOf(first));
    if (others.length > 0 && rng.next() < COMBINE_PROBABILITY) chosen.push(others[rng.int(others.length)]!);
    for (const variant of chosen) {
      out.push({ id: out.length + 1, variant, startMs: Math.round(t), endMs: Math.round(t + duration), fault: makeFault(variant, nodeIds, rng) });
    }
    t += duration + jitter(intervalMs, rng);
  }
  return out;
}

/** Uniform in [mean/2, 3·mean/2). */
function jitter(meanMs: number, rng: Rng): number {
  return meanMs * (0.5 + rng.next());
}

function makeFault(variant: NemesisVariant, nodeIds: readonly number[], rng: Rng): Fault {
  const order = shuffled(nodeIds, rng);
  const majority = Math.floor(nodeIds.length / 2) + 1;
  switch (variant) {
    case 'kill-random':
      return { kind: 'kill', target: 'random', nodes: order.slice(0, 1) };
    case 'kill-leader':
      return { kind: 'kill', target: 'leader', nodes: [] };
    case 'kill-majority':
      return { kind: 'kill', target: 'majority', nodes: order.slice(0, majority).sort((a, b) => a - b) };
    case 'pause-random':
      return { kind: 'pause', target: 'random', nodes: order.slice(0, 1) };
    case 'pause-leader':
      return { kind: 'pause', target: 'leader', nodes: [] };
    case 'partition-halves':
      return { kind: 'partition', shape: 'halves', order };
    case 'partition-leader':
      return { kind: 'partition', shape: 'leader', order };
    case 'partition-ring':
      return { kind: 'partition', shape: 'ring', order };
    case 'partition-bridge':
      return { kind: 'partition', shape: 'bridge', order };
    case 'skew-random':
    case 'skew-leader': {
      const magnitude = SKEW_MIN_MS + rng.int(SKEW_MAX_MS - SKEW_MIN_MS);
      const offsetMs = rng.next() < 0.5 ? -magnitude : magnitude;
      return variant === 'skew-random'
        ? { kind: 'skew', target: 'random', nodes: order.slice(0, 1), offsetMs }
        : { kind: 'skew', target: 'leader', nodes: [], offsetMs };
    }
  }
}
