/**
 * Labelled image grids for the demo's PNGs: a row label left of every row and a column label above
 * every column, drawn with a 3×5 pixel font (letters are drawn as capitals; characters outside the
 * font are drawn as blanks). Nothing is loaded from disk, so the PNGs look the same everywhere.
 */
import { imageGrid, type GrayImage } from '@inv/core';

// One glyph per character: 5 rows of 3 pixels separated by '|', '#' = ink.
const GLYPHS: Record<string, string> = {
  'a': '.#.|#.#|###|#.#|#.#', 'b': '##.|#.#|##.|#.#|##.', 'c': '.##|#..|#..|#..|.##', 'd': '##.|#.#|#.#|#.#|##.', 'e': '###|#..|##.|#..|###',
  'f': '###|#..|##.|#..|#..', 'g': '.##|#..|#.#|#.#|.##', 'h': '#.#|#.#|###|#.#|#.#', 'i': '###|.#.|.#.|.#.|###', 'j': '..#|..#|..#|#.#|.#.',
  'k': '#.#|#.#|##.|#.#|#.#', 'l': '#..|#..|#..|#..|###', 'm': '#.#|###|###|#.#|#.#', 'n': '##.|#.#|#.#|#.#|#.#', 'o': '.#.|#.#|#.#|#.#|.#.',
  'p': '##.|#.#|##.|#..|#..', 'q': '.#.|#.#|#.#|##.|.##', 'r': '##.|#.#|##.|#.#|#.#', 's': '.##|#..|.#.|..#|##.', 't': '###|.#.|.#.|.#.|.#.',
  'u': '#.#|#.#|#.#|#.#|###', 'v': '#.#|#.#|#.#|#.#|.#.', 'w': '#.#|#.#|###|###|#.#', 'x': '#.#|#.#|.#.|#.#|#.#', 'y': '#.#|#.#|.#.|.#.|.#.',
  'z': '###|..#|.#.|#..|###', '0': '###|#.#|#.#|#.#|###', '1': '.#.|##.|.#.|.#.|###', '2': '##.|..#|.#.|#..|###', '3': '##.|..#|.#.|..#|##.',
  '4': '#.#|#.#|###|..#|..#', '5': '###|#..|##.|..#|##.', '6': '.##|#..|###|#.#|###', '7': '###|..#|.#.|.#.|.#.', '8': '###|#.#|###|#.#|###',
  '9': '###|#.#|###|..#|##.', ' ': '...|...|...|...|...', '.': '...|...|...|...|.#.', ',': '...|...|...|.#.|#..', '-': '...|...|###|...|...',
  ':': '...|.#.|...|.#.|...', '(': '.#.|#..|#..|#..|.#.', ')': '.#.|..#|..#|..#|.#.', '/': '..#|..#|.#.|#..|#..', '=': '...|###|...|###|...',
  '+': '...|.#.|###|.#.|...', '%': '#.#|..#|.#.|#..|#.#', '<': '..#|.#.|#..|.#.|..#', '>': '#..|.#.|..#|.#.|#..', '*': '#.#|.#.|#.#|...|...',
};

/** The 15 pixels of a glyph, row by row. */
function glyph(ch: string): string {
  return (GLYPHS[ch.toLowerCase()] ?? GLYPHS[' ']).replaceAll('|', '');
}

const GLYPH_W = 3;
const GLYPH_H = 5;
const ADVANCE = GLYPH_W + 1;

/** Width in pixels of `text` in the font. */
export function textWidth(text: string): number {
  return text.length === 0 ? 0 : text.length * ADVANCE - 1;
}

/** Draws `text` with its top-left corner at (x, y) in `ink` (0 black … 1 white). */
export function drawText(image: GrayImage, text: string, x: number, y: number, ink = 0): void {
  [...text].forEach((ch, n) => {
    const g = glyph(ch);
    for (let r = 0; r < GLYPH_H; r++) {
      for (let c = 0; c < GLYPH_W; c++) {
        const px = x + n * ADVANCE + c, py = y + r;
        if (g[r * GLYPH_W + c] === '#' && px >= 0 && py >= 0 && px < image.width && py < image.height) image.pixels[py * image.width + px] = ink;
      }
    }
  });
}

/**
 * A grid of square images (rows × columns, row-major) with `rowLabels[i]` left of row i and
 * `columnLabels[j]` centred above column j, black on white.
 */
export function labeledGrid(images: readonly ArrayLike<number>[], columns: number, rowLabels: readonly string[], columnLabels: readonly string[]): GrayImage {
  const gap = 2;
  const grid = imageGrid(images, columns, { gap });
  const side = Math.round(Math.sqrt(images[0].length));
  const left = Math.max(0, ...rowLabels.map(textWidth)) + 2 * gap;
  const top = GLYPH_H + 2 * gap;
  const out: GrayImage = { width: grid.width + left, height: grid.height + top, pixels: new Float64Array((grid.width + left) * (grid.height + top)).fill(1) };
  for (let y = 0; y < grid.height; y++) out.pixels.set(grid.pixels.subarray(y * grid.width, (y + 1) * grid.width), (y + top) * out.width + left);
  rowLabels.forEach((label, i) => drawText(out, label, gap, top + gap + i * (side + gap) + Math.floor((side - GLYPH_H) / 2)));
  columnLabels.forEach((label, j) => {
    const x = left + gap + j * (side + gap) + Math.floor((side - textWidth(label)) / 2);
    drawText(out, label, Math.max(left, x), gap);
  });
  return out;
}
