// Writes a run's report directory: history.jsonl, results.json, index.html.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completedOps, nemesisIntervals, type HistoryEvent } from '../history.js';
import { renderHtml } from './html.js';
import type { RunResults } from './results.js';

export function writeReport(dir: string, events: readonly HistoryEvent[], results: RunResults, endNs: number): void {
  writeFileSync(join(dir, 'history.jsonl'), events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'index.html'), renderHtml(results, completedOps(events), nemesisIntervals(events), endNs));
}
