import { describe, expect, it } from 'vitest';
import { gaussianVector, Matrix, matvec, norm2, Rng, ShapeError, ValueError } from '@inv/core';
import { GaussianMatrixOperator, gaussianOperator, MAX_DENSE_ENTRIES, OnTheFlyGaussianOperator, partialGaussianOperator, randomIndices, subsampleOperator } from '../src/index.js';
import { adjointTest } from '@inv/core/testing';
import { maxAbsDiff } from './helpers.js';

describe('gaussian operators', () => {
  it('satisfy the adjoint identity <Ax, y> = <x, A^T y>, materialised and on the fly', () => {
    for (const onTheFly of [false, true]) {
      const op = gaussianOperator(37, 91, 5, { onTheFly });
      expect(op.kind).toBe('gaussian');
      expect([op.rows, op.cols]).toEqual([37, 91]);
      expect(adjointTest(op, { seed: 1 })).toBeLessThan(1e-13);
    }
  });

  it('on the fly has exactly the entries of the materialised matrix', () => {
    const dense = gaussianOperator(20, 50, 42, { onTheFly: false });
    const fly = gaussianOperator(20, 50, 42, { onTheFly: true });
    expect(dense).toBeInstanceOf(GaussianMatrixOperator);
    expect(fly).toBeInstanceOf(OnTheFlyGaussianOperator);
    expect(maxAbsDiff(fly.toMatrix().data, dense.toMatrix().data)).toBe(0);
    const x = gaussianVector(new Rng(3), 50);
    expect(maxAbsDiff(fly.apply(x), dense.apply(x))).toBeLessThan(1e-13);
    const y = gaussianVector(new Rng(4), 20);
    expect(maxAbsDiff(fly.adjoint(y), dense.adjoint(y))).toBeLessThan(1e-13);
    const M = new Matrix(50, 3, gaussianVector(new Rng(5), 150));
    expect(maxAbsDiff(fly.applyMatrix(M).data, dense.applyMatrix(M).data)).toBeLessThan(1e-12);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const a = gaussianOperator(10, 30, 7).toMatrix().data;
    const b = gaussianOperator(10, 30, 7).toMatrix().data;
    const c = gaussianOperator(10, 30, 8).toMatrix().data;
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0.1);
  });

  it('has N(0, 1/m) entries and uncorrelated rows', () => {
    const m = 200, n = 1000;
    const A = gaussianOperator(m, n, 11).toMatrix();
    let s = 0, s2 = 0, s4 = 0;
    for (const v of A.data) {
      s += v;
      s2 += v * v;
      s4 += v ** 4;
    }
    const N = m * n;
    const variance = s2 / N;
    // Mean: std of the sample mean is sqrt(1/m / N) ≈ 1.6e-4; allow 5 sigma.
    expect(Math.abs(s / N)).toBeLessThan(5 * Math.sqrt(1 / m / N));
    // Variance 1/m within 1% (the std of the estimate is sqrt(2/N)/m ≈ 0.3%).
    expect(Math.abs(variance * m - 1)).toBeLessThan(0.01);
    // Gaussian kurtosis 3 (a uniform or a sign matrix would give 1.8 or 1).
    expect(s4 / N / variance ** 2).toBeCloseTo(3, 1);
    // Neighbouring rows (consecutive row seeds) are uncorrelated: |corr| < 5/sqrt(n).
    for (let i = 0; i + 1 < 20; i++) {
      let c = 0;
      for (let j = 0; j < n; j++) c += A.get(i, j) * A.get(i + 1, j);
      expect(Math.abs((c * m) / n)).toBeLessThan(5 / Math.sqrt(n));
    }
  });

  it('keeps norms: ||Ax|| ≈ ||x|| within the JL bound', () => {
    const op = gaussianOperator(400, 300, 2);
    const x = gaussianVector(new Rng(9), 300);
    const ratio = norm2(op.apply(x)) / norm2(x);
    expect(Math.abs(ratio - 1)).toBeLessThan(0.15);
  });

  it('a partial gaussian operator holds the chosen rows of the ensemble, rescaled', () => {
    const full = gaussianOperator(10, 40, 3).toMatrix();
    const rows = [2, 5, 9];
    for (const onTheFly of [false, true]) {
      const part = partialGaussianOperator(40, 3, rows, { onTheFly });
      expect([part.rows, part.cols]).toEqual([3, 40]);
      const P = part.toMatrix();
      const rescale = Math.sqrt(10 / 3);
      rows.forEach((r, i) => expect(maxAbsDiff(P.row(i), full.row(r).map((v) => v * rescale))).toBeLessThan(1e-14));
      expect(adjointTest(part, { seed: 8 })).toBeLessThan(1e-13);
      expect(part.describe()).toContain('partial');
    }
  });

  it('rejects bad sizes, seeds and inputs with messages naming the field', () => {
    expect(() => gaussianOperator(0, 10)).toThrow(ValueError);
    expect(() => gaussianOperator(2.5, 10)).toThrow(/gaussian m/);
    expect(() => gaussianOperator(5, -1)).toThrow(/gaussian n/);
    expect(() => gaussianOperator(5, 10, Number.NaN)).toThrow(/gaussian seed/);
    expect(() => partialGaussianOperator(10, 0, [1, -2])).toThrow(/gaussian rows/);
    expect(() => gaussianOperator(5, 10).apply(new Float64Array(9))).toThrow(ShapeError);
    expect(() => gaussianOperator(5, 10, 0, { onTheFly: true }).adjoint(new Float64Array(4))).toThrow(ShapeError);
  });

  it('chooses on-the-fly automatically above the dense limit, which refuses toMatrix', () => {
    const op = gaussianOperator(1000, MAX_DENSE_ENTRIES / 1000 + 1, 0);
    expect(op).toBeInstanceOf(OnTheFlyGaussianOperator);
    expect(() => op.toMatrix()).toThrow(/refusing to materialise/);
  });
});

describe('subsample operators', () => {
  it('pick m distinct sorted indices reproducibly', () => {
    const idx = randomIndices(30, 100, 4);
    expect(idx.length).toBe(30);
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    expect(Array.from(randomIndices(30, 100, 4))).toEqual(Array.from(idx));
    expect(Array.from(randomIndices(30, 100, 5))).not.toEqual(Array.from(idx));
  });

  it('apply y = x[idx] (scaled by sqrt(n/m) when asked) with a true adjoint', () => {
    const x = gaussianVector(new Rng(1), 50);
    for (const scaled of [false, true]) {
      const op = subsampleOperator(10, 50, 2, { scaled });
      expect(op.kind).toBe('subsample');
      const s = scaled ? Math.sqrt(5) : 1;
      expect(maxAbsDiff(op.apply(x), Array.from(op.indices, (i) => s * x[i]))).toBeLessThan(1e-15);
      expect(adjointTest(op, { seed: 3 })).toBeLessThan(1e-14);
      const M = new Matrix(50, 2, gaussianVector(new Rng(6), 100));
      const direct = op.toMatrix();
      const AM = op.applyMatrix(M);
      for (let j = 0; j < 2; j++) {
        const col = Float64Array.from({ length: 50 }, (_, i) => M.get(i, j));
        const expected = matvec(direct, col);
        for (let i = 0; i < 10; i++) expect(AM.get(i, j)).toBeCloseTo(expected[i], 14);
      }
    }
  });

  it('rejects m > n', () => {
    expect(() => subsampleOperator(11, 10)).toThrow(/at most n = 10/);
  });
});
