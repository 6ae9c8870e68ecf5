// Set checker: SADD of unique elements, SMEMBERS reads and a final read. An acknowledged add
// missing from the final read is lost; an element no add attempted (or only definitely failed
// adds) is unexpected; a read missing an element whose add was acknowledged before the read
// began, or that an earlier read already saw, is stale. Pure.

export interface SetAdd { process: number; element: string; outcome: 'ok' | 'fail' | 'unknown'; callNs: number; returnNs: number | null }
export interface SetRead { process: number; elements: string[]; callNs: number; returnNs: number }
export interface SetCheckResult {
  ok: boolean;
  attempted: number;
  acknowledged: number;
  lost: string[];
  unexpected: string[];
  recovered: string[];
  staleReads: { read: SetRead; missing: string[] }[];
  message: string;
}

/** Stale reads listed in full at most (the count in the message is exact). */
const STALE_READS_MAX = 20;

export function checkSet(input: { adds: SetAdd[]; reads: SetRead[]; finalRead: SetRead }): SetCheckResult {
  const { adds, reads, finalRead } = input;
  const possible = new Set<string>();
  const acked = new Map<string, SetAdd>();
  const unknown = new Set<string>();
  for (const a of adds) {
    if (a.outcome !== 'fail') possible.add(a.element);
    if (a.outcome === 'ok') acked.set(a.element, a);
    if (a.outcome === 'unknown') unknown.add(a.element);
  }
  const finalSet = new Set(finalRead.elements);
  const lost = [...acked.keys()].filter((e) => !finalSet.has(e)).sort();
  const unexpectedSet = new Set<string>();
  for (const r of [...reads, finalRead]) for (const e of r.elements) if (!possible.has(e)) unexpectedSet.add(e);
  const unexpected = [...unexpectedSet].sort();
  const recovered = [...unknown].filter((e) => finalSet.has(e) && !acked.has(e)).sort();

  // Elements known present before each read began: acknowledged adds, and elements an earlier
  // read (completed before this one began) returned.
  const allReads = [...reads, finalRead].sort((a, b) => a.callNs - b.callNs);
  const ackedByReturn = [...acked.values()].sort((a, b) => a.returnNs! - b.returnNs!);
  const readsByReturn = [...allReads].sort((a, b) => a.returnNs - b.returnNs);
  const known = new Set<string>();
  let ai = 0;
  let ri = 0;
  const staleAll: { read: SetRead; missing: string[] }[] = [];
  for (const r of allReads) {
    while (ai < ackedByReturn.length && ackedByReturn[ai]!.returnNs! < r.callNs) known.add(ackedByReturn[ai++]!.element);
    while (ri < readsByReturn.length && readsByReturn[ri]!.returnNs < r.callNs) for (const e of readsByReturn[ri++]!.elements) known.add(e);
    const have = new Set(r.elements);
    const missing = [...known].filter((e) => !have.has(e)).sort();
    if (missing.length > 0) staleAll.push({ read: r, missing });
  }
  const ok = lost.length === 0 && unexpected.length === 0 && staleAll.length === 0;
  const parts = [
    `${adds.length} adds attempted, ${acked.size} acknowledged, final read has ${finalSet.size} elements`,
    `${lost.length} lost`,
    `${unexpected.length} unexpected`,
    `${recovered.length} unknown-outcome adds present`,
    `${staleAll.length} stale reads`,
  ];
  return {
    ok,
    attempted: adds.length,
    acknowledged: acked.size,
    lost,
    unexpected,
    recovered,
    staleReads: staleAll.slice(0, STALE_READS_MAX),
    message: `${ok ? 'valid' : 'INVALID'}: ${parts.join(', ')}`,
  };
}
