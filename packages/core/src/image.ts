/** Image grids for pictures of digits (pixel values in [0, 1], row-major). */
import { ShapeError } from './errors.js';

export interface GrayImage {
  width: number;
  height: number;
  /** Row-major values in [0, 1] (clipped when drawn). */
  pixels: Float64Array;
}

/**
 * Tiles equally sized square images into a grid of `columns` columns with `gap` pixels of `background`
 * between them. Each image is a vector of side² values.
 */
export function imageGrid(images: readonly ArrayLike<number>[], columns: number, options: { gap?: number; background?: number; side?: number } = {}): GrayImage {
  if (images.length === 0) throw new ShapeError('image grid: no images');
  const side = options.side ?? Math.round(Math.sqrt(images[0].length));
  const gap = options.gap ?? 2;
  images.forEach((im, i) => {
    if (im.length !== side * side) throw new ShapeError(`image grid: image ${i} has ${im.length} pixels, expected ${side}x${side}`);
  });
  const cols = Math.min(columns, images.length);
  const rows = Math.ceil(images.length / cols);
  const width = cols * side + (cols + 1) * gap;
  const height = rows * side + (rows + 1) * gap;
  const pixels = new Float64Array(width * height).fill(options.background ?? 1);
  images.forEach((im, n) => {
    const x0 = gap + (n % cols) * (side + gap);
    const y0 = gap + Math.floor(n / cols) * (side + gap);
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) pixels[(y0 + y) * width + x0 + x] = im[y * side + x];
  });
  return { width, height, pixels };
}
