// The report's three plots as SVG strings: latency over time (one point per op, coloured by
// outcome, nemesis intervals shaded), throughput over time, and a timeline of ops per process.
import type { CompletedOp, NemesisInterval } from '../history.js';
import { axes, esc, frame, linearScale, logScale, type Frame, type Scale } from './svg.js';

/** Points drawn at most; beyond it ok ops are sampled evenly (fail and info are always drawn). */
const POINTS_MAX = 20_000;
const WIDTH = 1100;
const NEMESIS_COLORS: Record<string, string> = { kill: '#d62728', pause: '#9467bd', partition: '#ff7f0e', skew: '#17becf' };

const secs = (ns: number): number => ns / 1e9;

function sample(ops: readonly CompletedOp[]): CompletedOp[] {
  const ok = ops.filter((o) => o.type === 'ok');
  const rest = ops.filter((o) => o.type !== 'ok');
  const room = Math.max(0, POINTS_MAX - rest.length);
  if (ok.length <= room) return [...ok, ...rest];
  const step = ok.length / room;
  const picked: CompletedOp[] = [];
  for (let i = 0; i < room; i++) picked.push(ok[Math.floor(i * step)]!);
  return [...picked, ...rest];
}

function shading(fr: Frame, x: Scale, nemeses: readonly NemesisInterval[], endNs: number): string {
  return nemeses
    .map((n, i) => {
      const family = n.fault.split('-')[0]!;
      const x0 = x(secs(n.startNs));
      const x1 = x(secs(n.stopNs ?? endNs));
      const row = i % 3;
      return (
        `<rect x="${x0.toFixed(1)}" y="${fr.top}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${fr.bottom - fr.top}" fill="${NEMESIS_COLORS[family] ?? '#999'}" opacity="0.12"><title>${esc(`${n.fault}: ${n.detail}`)}</title></rect>` +
        `<text x="${(x0 + 2).toFixed(1)}" y="${fr.top + 10 + row * 11}" class="nem" fill="${NEMESIS_COLORS[family] ?? '#666'}">${esc(n.fault)}</text>`
      );
    })
    .join('');
}

export function latencyPlot(ops: readonly CompletedOp[], nemeses: readonly NemesisInterval[], endNs: number): string {
  const fr = frame(WIDTH, 340);
  const x = linearScale([0, secs(endNs)], [fr.left, fr.right], (v) => `${v}s`);
  const maxMs = Math.max(1, ...ops.map((o) => (o.completeNs - o.callNs) / 1e6));
  const y = logScale([0.1, maxMs], [fr.bottom, fr.top], (v) => (v >= 1000 ? `${v / 1000}s` : `${v}ms`));
  const pts = sample(ops)
    .map((o) => `<circle cx="${x(secs(o.callNs)).toFixed(1)}" cy="${y(Math.max(0.1, (o.completeNs - o.callNs) / 1e6)).toFixed(1)}" r="1.6" class="${o.type}"/>`)
    .join('');
  return `<svg viewBox="0 0 ${fr.width} ${fr.height}" class="plot">${shading(fr, x, nemeses, endNs)}${axes(fr, x, y, 'time since start', 'latency (log)')}${pts}</svg>`;
}

export function throughputPlot(ops: readonly CompletedOp[], nemeses: readonly NemesisInterval[], endNs: number): string {
  const fr = frame(WIDTH, 240);
  const endS = secs(endNs);
  const bucketS = Math.max(0.25, endS / 120);
  const buckets = Math.ceil(endS / bucketS) + 1;
  const counts = { ok: new Array<number>(buckets).fill(0), fail: new Array<number>(buckets).fill(0), info: new Array<number>(buckets).fill(0) };
  for (const o of ops) counts[o.type][Math.min(buckets - 1, Math.floor(secs(o.completeNs) / bucketS))]!++;
  const maxRate = Math.max(1, ...Object.values(counts).flatMap((c) => c.map((n) => n / bucketS)));
  const x = linearScale([0, endS], [fr.left, fr.right], (v) => `${v}s`);
  const y = linearScale([0, maxRate], [fr.bottom, fr.top], (v) => String(v));
  const lines = (['ok', 'fail', 'info'] as const)
    .map((t) => {
      const d = counts[t].map((n, i) => `${i === 0 ? 'M' : 'L'}${x(i * bucketS + bucketS / 2).toFixed(1)},${y(n / bucketS).toFixed(1)}`).join('');
      return `<path d="${d}" class="line ${t}"/>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${fr.width} ${fr.height}" class="plot">${shading(fr, x, nemeses, endNs)}${axes(fr, x, y, 'time since start', 'ops/s completed')}${lines}</svg>`;
}

/** One row per client slot (a slot's process number grows after each unknown outcome) plus the final reads. */
export function timelinePlot(ops: readonly CompletedOp[], nemeses: readonly NemesisInterval[], endNs: number, concurrency: number, finalBase: number): string {
  const rowOf = (o: CompletedOp): number => (o.process >= finalBase ? concurrency : o.process % concurrency);
  const rows = concurrency + 1;
  const rowH = 14;
  const fr: Frame = { width: WIDTH, height: rows * rowH + 50, left: 60, right: WIDTH - 15, top: 15, bottom: rows * rowH + 15 };
  const x = linearScale([0, secs(endNs)], [fr.left, fr.right], (v) => `${v}s`);
  const labels = Array.from({ length: rows }, (_, r) => `<text x="${fr.left - 6}" y="${fr.top + r * rowH + rowH / 2}" text-anchor="end" dominant-baseline="middle">${r === concurrency ? 'final' : `slot ${r}`}</text>`).join('');
  const bars = sample(ops)
    .map((o) => {
      const x0 = x(secs(o.callNs));
      const w = Math.max(0.8, x(secs(o.completeNs)) - x0);
      const title = `process ${o.process} ${o.f} ${o.key} ${JSON.stringify(o.arg)} → ${o.type} ${o.error ?? JSON.stringify(o.value)?.slice(0, 80) ?? ''}`;
      return `<rect x="${x0.toFixed(1)}" y="${fr.top + rowOf(o) * rowH + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" class="${o.type}"><title>${esc(title)}</title></rect>`;
    })
    .join('');
  const noY = Object.assign((v: number) => v, { ticks: [] as number[], format: String });
  return `<svg viewBox="0 0 ${fr.width} ${fr.height}" class="plot">${shading(fr, x, nemeses, endNs)}${axes(fr, x, noY, 'time since start', '')}${labels}${bars}</svg>`;
}
