/** Draws a signal vector as a gray square image on a canvas (row-major, side ⌈√n⌉). */

export interface DrawOptions {
  /** Screen pixels per signal pixel. */
  scale?: number;
  /** Values mapped to black and white; default [0, 1] (MNIST). */
  range?: [number, number];
}

/** Colour of a pixel that was not observed (NaN), so inpainting masks are visible. */
export const UNOBSERVED = [40, 70, 140];
/** Colour of the padding when n is not a perfect square. */
const PADDING = [230, 230, 230];

export function sideOf(n: number): number {
  return Math.ceil(Math.sqrt(n));
}

export function drawVector(canvas: HTMLCanvasElement, values: ArrayLike<number>, options: DrawOptions = {}): void {
  const side = sideOf(values.length);
  const scale = options.scale ?? 4;
  const [lo, hi] = options.range ?? [0, 1];
  canvas.width = side * scale;
  canvas.height = side * scale;
  const small = new ImageData(side, side);
  for (let p = 0; p < side * side; p++) {
    const v = p < values.length ? values[p] : undefined;
    let rgb: number[];
    if (v === undefined) rgb = PADDING;
    else if (!Number.isFinite(v)) rgb = UNOBSERVED;
    else {
      const g = Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
      rgb = [g, g, g];
    }
    small.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * p);
  }
  // Scale up without smoothing: draw the small image on an offscreen canvas first.
  const tmp = document.createElement('canvas');
  tmp.width = side;
  tmp.height = side;
  tmp.getContext('2d')!.putImageData(small, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}
