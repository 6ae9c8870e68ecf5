// Counter checker: INCRBY deltas and GET reads. Each read must lie between what had certainly
// been applied when it began (acknowledged increments) and what could have been applied by the
// time it returned (every increment not known to have failed, invoked before it returned);
// negative deltas swap roles. Pure.

export interface CounterAdd { process: number; delta: number; outcome: 'ok' | 'fail' | 'unknown'; callNs: number; returnNs: number | null }
export interface CounterRead { process: number; value: number; callNs: number; returnNs: number }
export interface CounterCheckResult {
  ok: boolean;
  errors: { read: CounterRead; lower: number; upper: number }[];
  finalLower: number;
  finalUpper: number;
  finalValue: number;
  message: string;
}

const ERRORS_MAX = 20;

export function checkCounter(input: { adds: CounterAdd[]; reads: CounterRead[]; finalRead: CounterRead }): CounterCheckResult {
  const live = input.adds.filter((a) => a.outcome !== 'fail');
  const bounds = (r: CounterRead): { lower: number; upper: number } => {
    let lower = 0;
    let upper = 0;
    for (const a of live) {
      const certain = a.outcome === 'ok' && a.returnNs !== null && a.returnNs < r.callNs;
      const possible = a.callNs <= r.returnNs;
      if (!possible) continue;
      if (a.delta >= 0) {
        upper += a.delta;
        if (certain) lower += a.delta;
      } else {
        lower += a.delta;
        if (certain) upper += a.delta;
      }
    }
    return { lower, upper };
  };
  const errors: { read: CounterRead; lower: number; upper: number }[] = [];
  for (const r of [...input.reads, input.finalRead]) {
    const b = bounds(r);
    if (r.value < b.lower || r.value > b.upper) errors.push({ read: r, ...b });
  }
  const fin = bounds(input.finalRead);
  const ok = errors.length === 0;
  return {
    ok,
    errors: errors.slice(0, ERRORS_MAX),
    finalLower: fin.lower,
    finalUpper: fin.upper,
    finalValue: input.finalRead.value,
    message:
      `${ok ? 'valid' : 'INVALID'}: final value ${input.finalRead.value} in [${fin.lower}, ${fin.upper}]? ` +
      `${fin.lower <= input.finalRead.value && input.finalRead.value <= fin.upper ? 'yes' : 'no'}; ` +
      `${errors.length} of ${input.reads.length + 1} reads out of bounds`,
  };
}
