// Counter workload checker (Jepsen's counter bounds): clients INCRBY one counter and read it. A
// read must lie between what had certainly been applied when it was invoked and what could
// possibly have been applied by the time it returned. Pure: history in, verdict out.
//
// For one read R, with A precedes B iff `A.returnNs < B.callNs` (a tie is concurrent):
// - certainly applied: 'ok' adds that returned before R was invoked;
// - possibly applied: 'ok' and 'unknown' adds invoked before R returned ('fail' adds never).
// The value is the initial value plus the certain sum plus any subset of the other possible adds,
// so lower = initial + certain + (negative deltas of the others), upper = initial + certain +
// (positive deltas of the others). With non-negative deltas these are exactly Jepsen's bounds.

import { validateAdd, validateRead } from './history-validation.js';

export interface CounterAdd {
  process: number;
  delta: number;
  outcome: 'ok' | 'fail' | 'unknown';
  callNs: number;
  returnNs: number | null;
}

export interface CounterRead {
  process: number;
  value: number;
  callNs: number;
  returnNs: number;
}

export interface CounterCheckResult {
  ok: boolean;
  /** Reads outside their bounds (the final read included), in the order given, at most 100. */
  errors: { read: CounterRead; lower: number; upper: number }[];
  /** How many reads were out of bounds in all. Always set by the checker; optional only so that
   * hand-built results (e.g. in report tests) need not carry it. */
  errorCount?: number;
  finalLower: number;
  finalUpper: number;
  finalValue: number;
  message: string;
}

const REPORTED_ERRORS_MAX = 100;

export function checkCounter(input: { adds: CounterAdd[]; reads: CounterRead[]; finalRead: CounterRead; initial?: number }): CounterCheckResult {
  const { adds, reads, finalRead } = input;
  const initial = input.initial ?? 0;
  if (!Number.isSafeInteger(initial)) throw new RangeError(`counter history: initial value must be a safe integer: ${initial}`);
  for (const add of adds) validateCounterAdd(add);
  for (const read of [...reads, finalRead]) validateCounterRead(read);

  // Certain: ok adds by return time. Possible: ok + unknown adds by call time. Prefix sums of the
  // positive and negative parts of each answer a read's bounds with two binary searches.
  const certain = prefixSums(adds.filter((a) => a.outcome === 'ok'), (a) => a.returnNs!);
  const possible = prefixSums(adds.filter((a) => a.outcome !== 'fail'), (a) => a.callNs);
  const bounds = (read: CounterRead): { lower: number; upper: number } => {
    const c = certain.upTo(read.callNs, false); // returned strictly before the read was invoked
    const p = possible.upTo(read.returnNs, true); // invoked no later than the read returned
    // Every certain add is also possible (it was invoked before it returned), so the others'
    // parts are the differences.
    return { lower: initial + c.pos + p.neg, upper: initial + p.pos + c.neg };
  };

  const errors: CounterCheckResult['errors'] = [];
  let errorCount = 0;
  for (const read of [...reads, finalRead]) {
    const { lower, upper } = bounds(read);
    if (read.value < lower || read.value > upper) {
      errorCount++;
      if (errors.length < REPORTED_ERRORS_MAX) errors.push({ read, lower, upper });
    }
  }
  const fin = bounds(finalRead);
  const ok = errorCount === 0;
  const finalText = `final value ${finalRead.value} in [${fin.lower}, ${fin.upper}]`;
  let message: string;
  if (ok) {
    message = `counter ok: ${reads.length + 1} reads within bounds; ${finalText}`;
  } else {
    const first = errors[0]!;
    message =
      `counter NOT ok: ${errorCount} of ${reads.length + 1} reads out of bounds; first: process ${first.read.process} read ` +
      `${first.read.value}, allowed [${first.lower}, ${first.upper}]` +
      (fin.lower <= finalRead.value && finalRead.value <= fin.upper ? `; ${finalText}` : `; final value ${finalRead.value} NOT in [${fin.lower}, ${fin.upper}]`);
  }
  return { ok, errors, errorCount, finalLower: fin.lower, finalUpper: fin.upper, finalValue: finalRead.value, message };
}

interface PrefixSums {
  /** Sums of the positive and the negative deltas of adds at time < t (or <= t when inclusive). */
  upTo(t: number, inclusive: boolean): { pos: number; neg: number };
}

function prefixSums(adds: CounterAdd[], timeOf: (a: CounterAdd) => number): PrefixSums {
  const sorted = [...adds].sort((a, b) => timeOf(a) - timeOf(b));
  const times = sorted.map(timeOf);
  const pos = [0];
  const neg = [0];
  for (const a of sorted) {
    pos.push(pos[pos.length - 1]! + Math.max(a.delta, 0));
    neg.push(neg[neg.length - 1]! + Math.min(a.delta, 0));
  }
  return {
    upTo(t, inclusive) {
      let lo = 0;
      let hi = times.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (times[mid]! < t || (inclusive && times[mid] === t)) lo = mid + 1;
        else hi = mid;
      }
      return { pos: pos[lo]!, neg: neg[lo]! };
    },
  };
}

function validateCounterAdd(add: CounterAdd): void {
  if (!Number.isSafeInteger(add.delta)) throw new RangeError(`counter history: delta must be a safe integer: ${JSON.stringify(add)}`);
  validateAdd('counter history', add);
}

function validateCounterRead(read: CounterRead): void {
  if (!Number.isSafeInteger(read.value)) throw new RangeError(`counter history: read value must be a safe integer: ${JSON.stringify(read)}`);
  validateRead('counter history', read);
}
