import { describe, expect, it } from 'vitest';
import { drawText, labeledGrid, textWidth } from '../src/labels.js';

/** The ink of an image as rows of '#' and '.'. */
const ink = (im: { width: number; height: number; pixels: Float64Array }) =>
  Array.from({ length: im.height }, (_, y) => Array.from({ length: im.width }, (_, x) => (im.pixels[y * im.width + x] === 0 ? '#' : '.')).join(''));

describe('labelled grids', () => {
  it('draws text with the 3×5 font, letters as capitals, unknown characters blank', () => {
    const im = { width: 11, height: 5, pixels: new Float64Array(55).fill(1) };
    drawText(im, 'l1?', 0, 0);
    expect(textWidth('l1?')).toBe(11);
    expect(ink(im)).toEqual(['#....#.....', '#...##.....', '#....#.....', '#....#.....', '###.###....']);
  });

  it('puts a label strip left of the rows and above the columns, the images unchanged', () => {
    const a = new Float64Array(16).fill(0.5);
    const b = new Float64Array(16).fill(0.25);
    const im = labeledGrid([a, b, b, a], 2, ['x', 'yy'], ['c0', 'c1']);
    // left strip: the widest row label (7 px) + 2 gaps; top strip: 5 px + 2 gaps; grid: 2×4 px + 3 gaps.
    expect([im.width, im.height]).toEqual([7 + 4 + 2 * 4 + 3 * 2, 9 + 2 * 4 + 3 * 2]);
    const at = (x: number, y: number) => im.pixels[y * im.width + x];
    expect([at(11 + 2, 9 + 2), at(11 + 2 + 4 + 2, 9 + 2), at(11 + 2, 9 + 2 + 4 + 2)]).toEqual([0.5, 0.25, 0.25]);
    expect(ink(im).slice(0, 9).join('').includes('#')).toBe(true); // column labels drawn
    expect(ink(im).map((row) => row.slice(0, 11)).join('').includes('#')).toBe(true); // row labels drawn
  });
});
