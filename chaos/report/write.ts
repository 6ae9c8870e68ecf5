// Writes a run's report directory: history.jsonl, results.json, index.html.
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completedOps, nemesisIntervals, type HistoryEvent } from '../history.js';
import { renderHtml } from './html.js';
import type { RunResults } from './results.js';

export async function writeReport(dir: string, events: readonly HistoryEvent[], results: RunResults, endNs: number): Promise<void> {
  const out = createWriteStream(join(dir, 'history.jsonl'));
  for (const e of events) {
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'index.html'), renderHtml(results, completedOps(events), nemesisIntervals(events), endNs));
}
