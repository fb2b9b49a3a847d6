/** Error metrics used by the papers. */
import { ShapeError } from './errors.js';
import { distance, norm2 } from './linalg.js';

/** ‖estimate − truth‖ / ‖truth‖ (the absolute error when truth is zero). */
export function relativeError(estimate: ArrayLike<number>, truth: ArrayLike<number>): number {
  const d = distance(estimate, truth);
  const n = norm2(truth);
  return n === 0 ? d : d / n;
}

/** Mean squared error per entry (CSGM's "per pixel" error). */
export function mse(estimate: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (estimate.length !== truth.length) throw new ShapeError(`mse: lengths ${estimate.length} and ${truth.length} differ`);
  if (truth.length === 0) return 0;
  const d = distance(estimate, truth);
  return (d * d) / truth.length;
}

/** Peak signal-to-noise ratio in dB for signals with the given peak value (1 for images in [0, 1]). */
export function psnr(estimate: ArrayLike<number>, truth: ArrayLike<number>, peak = 1): number {
  const e = mse(estimate, truth);
  return e === 0 ? Infinity : 10 * Math.log10((peak * peak) / e);
}

/** The median (the mean of the two middle values for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const v = [...values].sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}
