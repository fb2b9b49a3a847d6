import { describe, expect, it } from 'vitest';
import { Generator, gaussianVector, Rng, ShapeError, ValueError } from '@inv/core';
import '@inv/gd';
import { measurementSweep, measurementsToReach, sweepTable, type SweepRow } from '../src/index.js';

// Images in the range of a random expansive ReLU net: the generative prior can be exact, Lasso cannot.
const generator = Generator.random([5, 100, 300], { seed: 2 });
const images = [1, 2].map((s) => generator.forward(gaussianVector(new Rng(s), 5)));

describe('measurementSweep', () => {
  it('gives per-(m, method) median errors; the generative prior needs far fewer measurements than Lasso', async () => {
    const progress: string[] = [];
    const rows = await measurementSweep({
      generator,
      images,
      ms: [30, 200],
      solvers: [{ name: 'gd', options: { restarts: 2, maxIterations: 2000 }, label: 'csgm' }],
      lasso: ['pixel'],
      lassoLambda: 1e-3,
      noise: 0,
      seed: 1,
      onProgress: (p) => progress.push(`${p.m} ${p.method} ${p.item}`),
    });
    expect(rows.map((r) => `${r.m} ${r.method} ${r.items}`)).toEqual(['30 csgm 2', '30 lasso-pixel 2', '200 csgm 2', '200 lasso-pixel 2']);
    expect(progress).toHaveLength(8);
    const at = (m: number, method: string) => rows.find((r) => r.m === m && r.method === method) as SweepRow;
    // m = 30 >= 2^2·5 = 20: gradient descent recovers the image; Lasso on a dense 300-pixel image cannot.
    expect(at(30, 'csgm').medianRelativeError).toBeLessThan(1e-4);
    expect(at(30, 'lasso-pixel').medianRelativeError).toBeGreaterThan(0.3);
    expect(at(200, 'lasso-pixel').medianMse).toBeLessThan(at(30, 'lasso-pixel').medianMse);
    const reach = measurementsToReach(rows, 1e-6);
    expect(reach.get('csgm')).toBe(30);
    expect(reach.get('lasso-pixel')).toBeUndefined();
    const table = sweepTable(rows);
    expect(table.headers).toEqual(['m', 'csgm MSE', 'lasso-pixel MSE']);
    expect(table.cells.map((c) => c[0])).toEqual([30, 200]);
  });

  it('is reproducible for a seed', async () => {
    const run = () => measurementSweep({ generator, images: images.slice(0, 1), ms: [40], solvers: [], lasso: ['dct'], noise: 0.1, seed: 3 });
    const [a, b] = [await run(), await run()];
    expect(a[0].medianMse).toBe(b[0].medianMse);
    expect(a[0].method).toBe('lasso-dct');
  });

  it('with several λ reports the best one per m for each Lasso basis', async () => {
    const rows = await measurementSweep({ generator, images, ms: [60], solvers: [], lasso: ['pixel'], lassoLambda: [1e3, 1e-3], noise: 0 });
    expect(rows).toHaveLength(1);
    expect(rows[0].method).toBe('lasso-pixel');
    // λ = 1e3 zeroes the estimate (MSE = mean x²); λ = 1e-3 fits the measurements and must win.
    expect(rows[0].lambda).toBe(1e-3);
    const zeroMses = images.map((x) => x.reduce((s, v) => s + v * v, 0) / x.length);
    const zeroMedian = (zeroMses[0] + zeroMses[1]) / 2;
    expect(rows[0].medianMse).toBeLessThan(zeroMedian);
  });

  it('rejects bad input with the field named', async () => {
    await expect(measurementSweep({ generator, images: [], ms: [10] })).rejects.toThrow(ValueError);
    await expect(measurementSweep({ generator, images: [new Float64Array(3)], ms: [10] })).rejects.toThrow(ShapeError);
    await expect(measurementSweep({ generator, images, ms: [0] })).rejects.toThrow(/ms\[0\]/);
    await expect(measurementSweep({ generator, images, ms: [10], solvers: ['no-such-solver'] })).rejects.toThrow(/unknown solver/);
    await expect(measurementSweep({ generator, images, ms: [10], noise: -1 })).rejects.toThrow(/noise/);
  });
});
