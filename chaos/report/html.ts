// index.html: one self-contained page (inline CSS and SVG, no scripts, no network) with the
// verdict, the checkers' findings, the plots and the fault log.
import type { CompletedOp, NemesisInterval } from '../history.js';
import { FINAL_PROCESS_BASE } from '../workloads/workload.js';
import { latencyPlot, throughputPlot, timelinePlot } from './plots.js';
import type { RunResults } from './results.js';
import { esc } from './svg.js';

const DETAILS_CHARS_MAX = 60_000;

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1150px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.verdict{display:inline-block;padding:4px 10px;border-radius:4px;color:#fff;font-weight:bold}
.valid{background:#2ca02c}.invalid{background:#d62728}.unknown{background:#888}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:420px;font-size:12px}
svg.plot{width:100%;height:auto;font-size:10px;border:1px solid #eee}
svg .axis{stroke:#444}svg .grid{stroke:#eee}svg .nem{font-size:9px}
svg circle.ok,svg rect.ok{fill:#2ca02c}svg circle.fail,svg rect.fail{fill:#d62728}svg circle.info,svg rect.info{fill:#ff7f0e}
svg path.line{fill:none;stroke-width:1.5}svg path.ok{stroke:#2ca02c}svg path.fail{stroke:#d62728}svg path.info{stroke:#ff7f0e}
.legend span{margin-right:14px}.dot{display:inline-block;width:9px;height:9px;border-radius:5px;margin-right:4px}
`;

export function renderHtml(results: RunResults, ops: readonly CompletedOp[], nemeses: readonly NemesisInterval[], endNs: number): string {
  const o = results.options;
  const nodeOf = new Map(ops.map((op) => [`${op.process}:${op.callNs}`, op.node]));
  const title = `pikiraft chaos: ${o.workload}, seed ${o.seed}`;
  const checks = results.checks
    .map((c) => {
      const json = JSON.stringify(c.details, null, 2) ?? 'null';
      const clipped = json.length > DETAILS_CHARS_MAX ? `${json.slice(0, DETAILS_CHARS_MAX)}\n… (${json.length - DETAILS_CHARS_MAX} more characters in results.json)` : json;
      return `<h3><span class="verdict ${c.verdict}">${c.verdict}</span> ${esc(c.checker)}</h3><p>${esc(c.message)}</p>${windowTable(c.details, nodeOf)}<details${c.verdict === 'invalid' ? ' open' : ''}><summary>checker details</summary><pre>${esc(clipped)}</pre></details>`;
    })
    .join('');
  const faults = nemeses
    .map((n) => `<tr><td>${n.faultId}</td><td>${esc(n.fault)}</td><td>${(n.startNs / 1e9).toFixed(2)}s</td><td>${n.stopNs === null ? '—' : `${(n.stopNs / 1e9).toFixed(2)}s`}</td><td>${esc(n.detail)}</td></tr>`)
    .join('');
  const legend = `<p class="legend"><span><i class="dot valid"></i>ok</span><span><i class="dot invalid" ></i>fail (definitely did not happen)</span><span><i class="dot" style="background:#ff7f0e"></i>info (outcome unknown)</span> shaded: faults</p>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head><body>
<h1>${esc(title)} <span class="verdict ${results.verdict}">${results.ok ? 'PASS' : 'FAIL'}: ${results.verdict}</span></h1>
<table>
<tr><th>workload</th><td>${esc(o.workload)}</td><th>nodes</th><td>${o.nodes}</td><th>backend</th><td>${esc(results.backend)}</td></tr>
<tr><th>nemeses</th><td colspan="3">${esc(o.nemeses.join(', ') || 'none')}</td><th>seed</th><td>${o.seed}</td></tr>
<tr><th>time</th><td>${o.timeSec}s (run took ${(results.durationMs / 1000).toFixed(1)}s)</td><th>concurrency</th><td>${o.concurrency}</td><th>rate</th><td>${o.rate}/s</td></tr>
<tr><th>ops</th><td colspan="3">${results.ops.ok} ok, ${results.ops.fail} fail, ${results.ops.info} info</td><th>started</th><td>${esc(results.startedAt)}</td></tr>
<tr><th>recovery</th><td colspan="5">${results.recovery.ok ? 'ok' : 'FAILED'}: ${esc(results.recovery.message)} (${results.recovery.ms} ms); final reads ${results.finalReadsOk ? 'ok' : 'FAILED'}</td></tr>
<tr><th>server args</th><td colspan="5">${esc(o.serverArgs.join(' ') || '(defaults)')}</td></tr>
</table>
<h2>Checkers</h2>${checks}
${results.nemesisErrors.length > 0 ? `<h2>Nemesis errors</h2><pre>${esc(results.nemesisErrors.join('\n'))}</pre>` : ''}
<h2>Latency</h2>${legend}${latencyPlot(ops, nemeses, endNs)}
<h2>Throughput</h2>${throughputPlot(ops, nemeses, endNs)}
<h2>Timeline of operations per client</h2><p>One row per client slot; a slot continues as a new process number after an op with unknown outcome. Hover a bar for the op.</p>${timelinePlot(ops, nemeses, endNs, o.concurrency, FINAL_PROCESS_BASE)}
<h2>Faults</h2><table><tr><th>#</th><th>fault</th><th>start</th><th>stop</th><th>what was done</th></tr>${faults}</table>
<p>Files: <a href="history.jsonl">history.jsonl</a> (every event), <a href="results.json">results.json</a>, logs/ (server output per node).</p>
</body></html>`;
}

/** The register checker's window (or any checker's op list under `window`) as a table. */
function windowTable(details: unknown, nodeOf: ReadonlyMap<string, number>): string {
  const w = (details as { window?: unknown } | null)?.window;
  if (!Array.isArray(w) || w.length === 0) return '';
  const rows = w
    .map((op: { process: number; f: string; key: string; value: unknown; callNs: number; returnNs: number | null }) =>
      `<tr><td>${op.process}</td><td>${nodeOf.get(`${op.process}:${op.callNs}`) ?? '?'}</td><td>${esc(op.f)}</td><td>${esc(op.key)}</td><td>${esc(JSON.stringify(op.value))}</td><td>${(op.callNs / 1e9).toFixed(6)}</td><td>${op.returnNs === null ? 'unknown' : (op.returnNs / 1e9).toFixed(6)}</td></tr>`,
    )
    .join('');
  return `<p>The window of ops around the first point where no linearization exists:</p><table><tr><th>process</th><th>node</th><th>f</th><th>key</th><th>value</th><th>call (s)</th><th>return (s)</th></tr>${rows}</table>`;
}
