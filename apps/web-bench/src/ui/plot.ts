/** Line plots on a canvas: residual against iteration, error against a swept parameter. */
import { linearScale, logScale, type Scale } from './scale.js';

export interface Series {
  label: string;
  color: string;
  points: [number, number][];
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
}

const MARGIN = { left: 60, right: 130, top: 28, bottom: 40 };

export function drawPlot(canvas: HTMLCanvasElement, series: readonly Series[], options: PlotOptions): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const sx: Scale = options.logX ? logScale(xs) : linearScale(xs);
  const sy: Scale = options.logY ? logScale(ys) : linearScale(ys);
  const w = width - MARGIN.left - MARGIN.right;
  const h = height - MARGIN.top - MARGIN.bottom;
  const px = (v: number) => MARGIN.left + sx.map(v) * w;
  const py = (v: number) => MARGIN.top + (1 - sy.map(v)) * h;

  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#222';
  ctx.fillText(options.title, MARGIN.left, 16);
  ctx.strokeStyle = '#ddd';
  ctx.textAlign = 'right';
  for (const t of sy.ticks) {
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, py(t));
    ctx.lineTo(MARGIN.left + w, py(t));
    ctx.stroke();
    ctx.fillText(sy.format(t), MARGIN.left - 4, py(t) + 4);
  }
  ctx.textAlign = 'center';
  for (const t of sx.ticks) ctx.fillText(sx.format(t), px(t), MARGIN.top + h + 16);
  ctx.fillText(options.xLabel, MARGIN.left + w / 2, height - 6);
  ctx.save();
  ctx.translate(14, MARGIN.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(options.yLabel, 0, 0);
  ctx.restore();
  ctx.strokeStyle = '#888';
  ctx.strokeRect(MARGIN.left, MARGIN.top, w, h);

  ctx.textAlign = 'left';
  series.forEach((s, i) => {
    ctx.strokeStyle = ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    const visible = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.logY || y > 0));
    ctx.beginPath();
    visible.forEach(([x, y], j) => (j ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
    ctx.stroke();
    for (const [x, y] of visible) ctx.fillRect(px(x) - 2, py(y) - 2, 4, 4);
    ctx.fillText(s.label, MARGIN.left + w + 10, MARGIN.top + 14 + 16 * i);
    ctx.lineWidth = 1;
  });
  if (!series.some((s) => s.points.length)) {
    ctx.fillStyle = '#666';
    ctx.textAlign = 'center';
    ctx.fillText('no data yet', MARGIN.left + w / 2, MARGIN.top + h / 2);
  }
}
