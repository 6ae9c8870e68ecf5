// Shape checks shared by the checkers. A malformed history is a recorder bug: the checkers crash
// loudly on one rather than return a verdict on garbage. Messages quote times, not whole
// operations: a read may hold thousands of elements.

/** `callNs` finite; `returnNs` null (outcome unknown) or a finite time no earlier than the call. */
export function validateTimes(what: string, op: { callNs: number; returnNs: number | null }): void {
  if (!Number.isFinite(op.callNs)) throw new RangeError(`${what}: callNs not finite: ${op.callNs}`);
  if (op.returnNs !== null && !(Number.isFinite(op.returnNs) && op.returnNs >= op.callNs))
    throw new RangeError(`${what}: returnNs must be null or >= callNs: call ${op.callNs}, return ${op.returnNs}`);
}

/** An add of the set and counter workloads: valid outcome and times, acknowledged ones returned. */
export function validateAdd(what: string, add: { outcome: string; callNs: number; returnNs: number | null }): void {
  if (add.outcome !== 'ok' && add.outcome !== 'fail' && add.outcome !== 'unknown') throw new TypeError(`${what}: bad add outcome: ${JSON.stringify(add)}`);
  validateTimes(what, add);
  if (add.outcome === 'ok' && add.returnNs === null) throw new RangeError(`${what}: acknowledged add without returnNs: ${JSON.stringify(add)}`);
}

/** A successful read: it has both times. */
export function validateRead(what: string, read: { callNs: number; returnNs: number }): void {
  if (typeof read.returnNs !== 'number') throw new RangeError(`${what}: read without returnNs (called at ${read.callNs})`);
  validateTimes(what, read);
}
