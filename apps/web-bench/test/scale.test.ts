import { describe, expect, it } from 'vitest';
import { linearScale, logScale, positive } from '../src/ui/scale.js';

describe('logScale', () => {
  it('spans whole decades around the positive values and ignores zeros', () => {
    const s = logScale([0, 3e-7, 0.02, 5]);
    expect(s.ticks).toEqual([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
    expect(s.map(1e-7)).toBeCloseTo(0, 12);
    expect(s.map(10)).toBeCloseTo(1, 12);
    expect(s.map(1e-3)).toBeCloseTo(0.5, 12);
    expect(s.format(1e-3)).toBe('1e-3');
    // Exact zeros (a solve that recovered the signal exactly) sit on the bottom of the axis.
    expect(s.map(0)).toBe(0);
  });
  it('thins the ticks of a wide range to at most about 9', () => {
    const s = logScale([1e-16, 1e4]);
    expect(s.ticks.length).toBeLessThanOrEqual(11);
    expect(s.ticks[0]).toBe(1e-16);
  });
  it('copes with a single value and with none', () => {
    expect(logScale([0.5]).ticks).toEqual([0.1, 1]);
    expect(logScale([]).ticks).toEqual([0.1, 1]);
    expect(positive([NaN, -1, 0, 2])).toEqual([2]);
  });
});

describe('linearScale', () => {
  it('picks ticks at 1, 2 or 5 times a power of ten inside the range', () => {
    expect(linearScale([0, 400]).ticks).toEqual([0, 100, 200, 300, 400]);
    expect(linearScale([0, 0.4]).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    const s = linearScale([20, 50]);
    expect(s.map(20)).toBe(0);
    expect(s.map(50)).toBe(1);
    expect(s.ticks.every((t) => t >= 20 && t <= 50)).toBe(true);
  });
  it('widens a single value to a non-empty range', () => {
    const s = linearScale([3]);
    expect(s.map(3)).toBe(0.5);
  });
});
