// Tiny SVG helpers: escaping, linear and log scales, axes. Hand-rolled so the report needs no
// plotting library and opens offline.

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Scale {
  (v: number): number;
  readonly ticks: number[];
  readonly format: (v: number) => string;
}

export function linearScale(domain: [number, number], range: [number, number], format: (v: number) => string = (v) => String(v)): Scale {
  const [d0, d1] = domain[1] > domain[0] ? domain : [domain[0], domain[0] + 1];
  const f = ((v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0])) as Scale;
  const step = niceStep((d1 - d0) / 6);
  const ticks: number[] = [];
  for (let t = Math.ceil(d0 / step) * step; t <= d1 + 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return Object.assign(f, { ticks, format });
}

export function logScale(domain: [number, number], range: [number, number], format: (v: number) => string): Scale {
  const l0 = Math.log10(Math.max(domain[0], 1e-3));
  const l1 = Math.max(Math.log10(Math.max(domain[1], 1e-3)), l0 + 1);
  const f = ((v: number) => range[0] + ((Math.log10(Math.max(v, 1e-3)) - l0) / (l1 - l0)) * (range[1] - range[0])) as Scale;
  const ticks: number[] = [];
  for (let e = Math.floor(l0); e <= Math.ceil(l1); e++) if (e >= l0 - 1e-9 && e <= l1 + 1e-9) ticks.push(10 ** e);
  return Object.assign(f, { ticks, format });
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export function frame(width: number, height: number): Frame {
  return { width, height, left: 60, right: width - 15, top: 15, bottom: height - 35 };
}

export function axes(fr: Frame, x: Scale, y: Scale, xLabel: string, yLabel: string): string {
  const parts: string[] = [];
  parts.push(`<line x1="${fr.left}" y1="${fr.bottom}" x2="${fr.right}" y2="${fr.bottom}" class="axis"/>`);
  parts.push(`<line x1="${fr.left}" y1="${fr.top}" x2="${fr.left}" y2="${fr.bottom}" class="axis"/>`);
  for (const t of x.ticks) {
    const px = x(t).toFixed(1);
    parts.push(`<line x1="${px}" y1="${fr.bottom}" x2="${px}" y2="${fr.bottom + 4}" class="axis"/><text x="${px}" y="${fr.bottom + 16}" text-anchor="middle">${esc(x.format(t))}</text>`);
  }
  for (const t of y.ticks) {
    const py = y(t).toFixed(1);
    parts.push(`<line x1="${fr.left - 4}" y1="${py}" x2="${fr.right}" y2="${py}" class="grid"/><text x="${fr.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${esc(y.format(t))}</text>`);
  }
  parts.push(`<text x="${(fr.left + fr.right) / 2}" y="${fr.height - 4}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text x="12" y="${(fr.top + fr.bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(fr.top + fr.bottom) / 2})">${esc(yLabel)}</text>`);
  return parts.join('');
}
