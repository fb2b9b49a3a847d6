/** Small dependency-free SVG charts for the experiment figures (line charts and a heat map). */

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Draw dashed without markers (a bound or reference line). */
  dashed?: boolean;
}

export interface Axis {
  label: string;
  log?: boolean;
}

const W = 640, H = 420, LEFT = 70, RIGHT = 170, TOP = 40, BOTTOM = 55;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(3))));

function scale(values: number[], log: boolean, from: number, to: number): { map(v: number): number; ticks: number[] } {
  const vs = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = Math.min(...vs), hi = Math.max(...vs);
  if (!vs.length) (lo = log ? 1 : 0), (hi = log ? 10 : 1);
  if (log) (lo = Math.floor(Math.log10(lo))), (hi = Math.ceil(Math.log10(hi)));
  if (hi === lo) hi = lo + 1;
  const map = (v: number) => from + (((log ? Math.log10(v) : v) - lo) / (hi - lo)) * (to - from);
  const ticks: number[] = [];
  if (log) for (let e = lo; e <= hi; e += Math.max(1, Math.ceil((hi - lo) / 8))) ticks.push(10 ** e);
  else for (let i = 0; i <= 5; i++) ticks.push(lo + ((hi - lo) * i) / 5);
  return { map, ticks };
}

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(LEFT + W - RIGHT) / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function lineChart(title: string, x: Axis, y: Axis, series: readonly Series[]): string {
  const all = series.flatMap((s) => s.points);
  const sx = scale(all.map((p) => p[0]), Boolean(x.log), LEFT, W - RIGHT);
  const sy = scale(all.map((p) => p[1]), Boolean(y.log), H - BOTTOM, TOP);
  const body: string[] = [];
  const x0 = LEFT, x1 = W - RIGHT, y0 = H - BOTTOM, y1 = TOP;
  body.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#888"/>`);
  for (const t of sx.ticks) body.push(`<line x1="${sx.map(t)}" y1="${y0}" x2="${sx.map(t)}" y2="${y0 + 4}" stroke="#888"/><text x="${sx.map(t)}" y="${y0 + 16}" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of sy.ticks) body.push(`<line x1="${x0 - 4}" y1="${sy.map(t)}" x2="${x1}" y2="${sy.map(t)}" stroke="#eee"/><text x="${x0 - 6}" y="${sy.map(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  body.push(`<text x="${(x0 + x1) / 2}" y="${H - 15}" text-anchor="middle">${esc(x.label)}</text>`);
  body.push(`<text transform="translate(16 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(y.label)}</text>`);
  series.forEach((s, i) => {
    const color = s.dashed ? '#555' : COLORS[i % COLORS.length];
    const pts = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && (!x.log || a > 0) && (!y.log || b > 0));
    const path = pts.map(([a, b], j) => `${j ? 'L' : 'M'}${sx.map(a).toFixed(1)},${sy.map(b).toFixed(1)}`).join(' ');
    if (path) body.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (!s.dashed) for (const [a, b] of pts) body.push(`<circle cx="${sx.map(a).toFixed(1)}" cy="${sy.map(b).toFixed(1)}" r="2.8" fill="${color}"/>`);
    const ly = TOP + 14 + i * 18;
    body.push(`<line x1="${x1 + 12}" y1="${ly - 4}" x2="${x1 + 34}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="${x1 + 40}" y="${ly}">${esc(s.name)}</text>`);
  });
  return frame(title, body);
}

/** A grid of cells shaded by value in [0, 1] (white 0 → black 1), with an optional line drawn over it. */
export function heatmap(title: string, xs: readonly number[], ys: readonly number[], value: (x: number, y: number) => number, labels: { x: string; y: string }, line?: Series): string {
  const x0 = LEFT, x1 = W - RIGHT, y0 = H - BOTTOM, y1 = TOP;
  const cw = (x1 - x0) / xs.length, ch = (y0 - y1) / ys.length;
  const body: string[] = [];
  xs.forEach((xv, i) =>
    ys.forEach((yv, j) => {
      const v = Math.max(0, Math.min(1, value(xv, yv)));
      const g = Math.round(255 * (1 - v));
      body.push(`<rect x="${(x0 + i * cw).toFixed(1)}" y="${(y0 - (j + 1) * ch).toFixed(1)}" width="${cw.toFixed(1)}" height="${ch.toFixed(1)}" fill="rgb(${g},${g},${g})"/>`);
    }),
  );
  const every = (n: number) => Math.max(1, Math.ceil(n / 10));
  xs.forEach((xv, i) => i % every(xs.length) === 0 && body.push(`<text x="${x0 + (i + 0.5) * cw}" y="${y0 + 16}" text-anchor="middle">${fmt(xv)}</text>`));
  ys.forEach((yv, j) => j % every(ys.length) === 0 && body.push(`<text x="${x0 - 6}" y="${y0 - (j + 0.5) * ch + 4}" text-anchor="end">${fmt(yv)}</text>`));
  body.push(`<text x="${(x0 + x1) / 2}" y="${H - 15}" text-anchor="middle">${esc(labels.x)}</text>`);
  body.push(`<text transform="translate(16 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(labels.y)}</text>`);
  if (line) {
    // Cell centres map linearly in index space; interpolate the line through the grid's value ranges.
    const px = (v: number) => x0 + (0.5 + ((v - xs[0]) / (xs[xs.length - 1] - xs[0] || 1)) * (xs.length - 1)) * cw;
    const py = (v: number) => y0 - (0.5 + ((v - ys[0]) / (ys[ys.length - 1] - ys[0] || 1)) * (ys.length - 1)) * ch;
    const d = line.points.map(([a, b], j) => `${j ? 'L' : 'M'}${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' ');
    body.push(`<path d="${d}" fill="none" stroke="#d62728" stroke-width="2" stroke-dasharray="6 4"/>`);
    body.push(`<line x1="${x1 + 12}" y1="${TOP + 10}" x2="${x1 + 34}" y2="${TOP + 10}" stroke="#d62728" stroke-width="2" stroke-dasharray="6 4"/><text x="${x1 + 40}" y="${TOP + 14}">${esc(line.name)}</text>`);
  }
  body.push(`<text x="${x1 + 12}" y="${TOP + 40}">black: success rate 1</text><text x="${x1 + 12}" y="${TOP + 56}">white: success rate 0</text>`);
  body.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#888"/>`);
  return frame(title, body);
}
