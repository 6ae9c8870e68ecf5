// Set workload checker (Jepsen's `set-full` idea, without removes): clients add unique elements to
// one grow-only set and read it; a final read after the nemeses stop decides what survived. Pure:
// history in, verdict out.
//
// "Before" is real time: A precedes B iff `A.returnNs < B.callNs`; equal times count as
// concurrent, the safe reading of a tie.

import { validateAdd, validateRead } from './history-validation.js';

/** One add. `outcome`: 'ok' = acknowledged, 'fail' = definitely not applied, 'unknown' = either. */
export interface SetAdd {
  process: number;
  element: string;
  outcome: 'ok' | 'fail' | 'unknown';
  callNs: number;
  returnNs: number | null;
}

/** One successful read and the elements it returned. */
export interface SetRead {
  process: number;
  elements: string[];
  callNs: number;
  returnNs: number;
}

export interface SetCheckResult {
  ok: boolean;
  /** Distinct elements some add tried to insert. */
  attempted: number;
  /** Distinct elements some add was acknowledged for. */
  acknowledged: number;
  /** Acknowledged elements missing from the final read. */
  lost: string[];
  /** Elements some read returned that were never attempted or whose every add definitely failed. */
  unexpected: string[];
  /** Elements whose add outcome was unknown, present in the final read (fine: they took effect). */
  recovered: string[];
  /**
   * Reads that miss an element already known present when they were invoked: its add was
   * acknowledged, or an earlier read (completed before this one was invoked) returned it. A
   * linearizable grow-only set never loses an element. The final read is listed here only for
   * elements not acknowledged (those are in `lost`) that an earlier read returned.
   */
  staleReads: { read: SetRead; missing: string[] }[];
  /** Reads that returned an element before any add of it was even invoked (a read from the future).
   * Always set by the checker; optional only so that hand-built results need not carry it. */
  prematureReads?: { read: SetRead; early: string[] }[];
  message: string;
}

/** How many stale/premature reads the result lists in full (the message still counts them all). */
const REPORTED_READS_MAX = 100;
/** How many elements the message names per category. */
const MESSAGE_ELEMENTS_MAX = 10;

export function checkSet(input: { adds: SetAdd[]; reads: SetRead[]; finalRead: SetRead }): SetCheckResult {
  const { adds, reads, finalRead } = input;
  for (const add of adds) validateSetAdd(add);
  for (const read of reads) validateSetRead(read);
  validateSetRead(finalRead);

  // Per element: the best outcome of its adds, the first call, and the first acknowledgement.
  const outcome = new Map<string, 'ok' | 'fail' | 'unknown'>();
  const firstCallNs = new Map<string, number>();
  const knownSinceNs = new Map<string, number>();
  for (const add of adds) {
    const prev = outcome.get(add.element);
    if (prev === undefined || rank(add.outcome) > rank(prev)) outcome.set(add.element, add.outcome);
    firstCallNs.set(add.element, Math.min(firstCallNs.get(add.element) ?? Infinity, add.callNs));
    if (add.outcome === 'ok' && add.returnNs !== null) lowerTo(knownSinceNs, add.element, add.returnNs);
  }
  const all = [...reads, finalRead];
  // An element a completed read returned is known present from that read's return on.
  for (const read of all) for (const e of read.elements) lowerTo(knownSinceNs, e, read.returnNs);

  const finalSet = new Set(finalRead.elements);
  const lost: string[] = [];
  const recovered: string[] = [];
  let acknowledged = 0;
  for (const [element, o] of outcome) {
    if (o === 'ok') {
      acknowledged++;
      if (!finalSet.has(element)) lost.push(element);
    } else if (o === 'unknown' && finalSet.has(element)) {
      recovered.push(element);
    }
  }

  const unexpectedSet = new Set<string>();
  const prematureReads: SetCheckResult['prematureReads'] = [];
  let prematureCount = 0;
  for (const read of all) {
    const early: string[] = [];
    for (const e of read.elements) {
      const o = outcome.get(e);
      if (o === undefined || o === 'fail') unexpectedSet.add(e);
      else if (read.returnNs < firstCallNs.get(e)!) early.push(e);
    }
    if (early.length > 0) {
      prematureCount++;
      if (prematureReads.length < REPORTED_READS_MAX) prematureReads.push({ read, early: early.sort() });
    }
  }

  const { staleReads, staleCount: staleBeforeFinal } = findStaleReads(reads, knownSinceNs);
  // The final read too: an unknown-outcome element an earlier read returned has taken effect, and
  // must still be there (acknowledged ones missing are already `lost`).
  const vanished = [...knownSinceNs]
    .filter(([e, t]) => t < finalRead.callNs && !finalSet.has(e) && outcome.get(e) !== 'ok')
    .map(([e]) => e)
    .sort();
  if (vanished.length > 0 && staleReads.length < REPORTED_READS_MAX) staleReads.push({ read: finalRead, missing: vanished });
  const staleCount = staleBeforeFinal + (vanished.length > 0 ? 1 : 0);

  lost.sort();
  recovered.sort();
  const unexpected = [...unexpectedSet].sort();
  const ok = lost.length === 0 && unexpected.length === 0 && staleCount === 0 && prematureCount === 0;
  const problems: string[] = [];
  if (lost.length > 0) problems.push(`${lost.length} acknowledged element(s) lost: ${list(lost)}`);
  if (unexpected.length > 0) problems.push(`${unexpected.length} unexpected element(s) read: ${list(unexpected)}`);
  if (staleCount > 0) problems.push(`${staleCount} stale read(s) missing an element already known present`);
  if (prematureCount > 0) problems.push(`${prematureCount} read(s) returned an element before its add was invoked`);
  const summary = `${outcome.size} attempted, ${acknowledged} acknowledged, ${finalSet.size} in the final read, ${recovered.length} recovered`;
  return {
    ok,
    attempted: outcome.size,
    acknowledged,
    lost,
    unexpected,
    recovered,
    staleReads,
    prematureReads,
    message: ok ? `set ok: ${summary}` : `set NOT ok: ${problems.join('; ')} (${summary})`,
  };
}

/**
 * For each read, the elements known present before it was invoked that it does not return. Known
 * times sorted once: a read returning as many known-before elements as exist needs no scan.
 */
function findStaleReads(reads: SetRead[], knownSinceNs: Map<string, number>): { staleReads: SetCheckResult['staleReads']; staleCount: number } {
  const known = [...knownSinceNs].sort((a, b) => a[1] - b[1]);
  const times = known.map(([, t]) => t);
  const staleReads: SetCheckResult['staleReads'] = [];
  let staleCount = 0;
  for (const read of reads) {
    const expected = countBelow(times, read.callNs);
    const present = new Set<string>();
    for (const e of read.elements) {
      const t = knownSinceNs.get(e);
      if (t !== undefined && t < read.callNs) present.add(e);
    }
    if (present.size === expected) continue;
    staleCount++;
    if (staleReads.length >= REPORTED_READS_MAX) continue;
    const missing: string[] = [];
    for (let i = 0; i < expected; i++) if (!present.has(known[i]![0])) missing.push(known[i]![0]);
    staleReads.push({ read, missing: missing.sort() });
  }
  return { staleReads, staleCount };
}

/** Number of entries of the ascending `sorted` strictly below `limit`. */
function countBelow(sorted: number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerTo(map: Map<string, number>, key: string, t: number): void {
  const cur = map.get(key);
  if (cur === undefined || t < cur) map.set(key, t);
}

/** An element is as good as its best add: any 'ok' makes it acknowledged, any 'unknown' possible. */
const rank = (o: 'ok' | 'fail' | 'unknown'): number => (o === 'ok' ? 2 : o === 'unknown' ? 1 : 0);

const list = (xs: string[]): string =>
  xs.slice(0, MESSAGE_ELEMENTS_MAX).map((x) => JSON.stringify(x)).join(', ') + (xs.length > MESSAGE_ELEMENTS_MAX ? ', ...' : '');

function validateSetAdd(add: SetAdd): void {
  if (typeof add.element !== 'string') throw new TypeError(`set history: add without a string element: ${JSON.stringify(add)}`);
  validateAdd('set history', add);
}

function validateSetRead(read: SetRead): void {
  if (!Array.isArray(read.elements)) throw new TypeError(`set history: read without elements: ${JSON.stringify(read)}`);
  validateRead('set history', read);
}
