/**
 * The on-the-fly operator at n = 50000, m = 500: a dense float64 matrix would take 500·50000·8 B =
 * 200 MB. Peak resident memory (maxRSS) is measured around apply and adjoint; this file runs alone in
 * its worker so earlier tests do not set the peak.
 */
import { describe, expect, it } from 'vitest';
import { dot, gaussianVector, norm2, Rng } from '@inv/core';
import { gaussianOperator, OnTheFlyGaussianOperator, partialGaussianOperator } from '../src/index.js';

const MB = 1024 * 1024;
const peakBytes = () => process.resourceUsage().maxRSS * 1024;

describe('on-the-fly gaussian operator, n = 50000, m = 500', () => {
  const n = 50_000, m = 500;

  it('applies and adjoints correctly while peak memory grows far less than the 200 MB dense matrix', () => {
    const x = gaussianVector(new Rng(1), n);
    const y = gaussianVector(new Rng(2), m);
    const before = Math.max(peakBytes(), process.memoryUsage().rss);
    const op = gaussianOperator(m, n, 123, { onTheFly: true });
    expect(op).toBeInstanceOf(OnTheFlyGaussianOperator);
    const Ax = op.apply(x);
    const Aty = op.adjoint(y);
    const growth = peakBytes() - before;
    expect(growth).toBeLessThan(40 * MB);

    // Correct: the adjoint identity holds, and rows 0 and 499 match the partial operator built from them.
    const gap = Math.abs(dot(Ax, y) - dot(x, Aty)) / (norm2(Ax) * norm2(y));
    expect(gap).toBeLessThan(1e-12);
    const corner = partialGaussianOperator(n, 123, [0, m - 1], { onTheFly: true }).apply(x);
    const rescale = Math.sqrt(2 / m);
    expect(Ax[0]).toBeCloseTo(corner[0] * rescale, 10);
    expect(Ax[m - 1]).toBeCloseTo(corner[1] * rescale, 10);
    // N(0, 1/m) entries keep norms: ‖Ax‖ ≈ ‖x‖ (std of the ratio ≈ 1/√(2m) ≈ 0.03).
    expect(Math.abs(norm2(Ax) / norm2(x) - 1)).toBeLessThan(0.15);
  });

  it('the measurement can see a dense matrix: materialising the same 500 x 50000 operator (200 MB) raises the peak', () => {
    // Peak RSS is a high-water mark, so memory freed earlier can hide part of a new allocation; the
    // full 200 MB matrix still lifts it by far more than the 40 MB the on-the-fly test allows.
    const before = Math.max(peakBytes(), process.memoryUsage().rss);
    const dense = gaussianOperator(m, n, 5, { onTheFly: false });
    const growth = peakBytes() - before;
    expect(dense.rows).toBe(m);
    expect(growth).toBeGreaterThan(100 * MB);
  });
});
