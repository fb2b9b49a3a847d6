import { describe, expect, it } from 'vitest';
import { gaussianVector, norm2, relativeError, Rng, ShapeError, ValueError } from '@inv/core';
import { opNorm } from '@inv/core';
import { dctBasis, dctMatrix, gaussianOperator, imageShape, lasso, pixelBasis } from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

/** A vector of length n with s nonzero N(0,1) entries at seeded positions. */
function sparseVector(n: number, s: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  let placed = 0;
  while (placed < s) {
    const i = rng.int(n);
    if (x[i] === 0) {
      x[i] = rng.normal() + Math.sign(rng.normal());
      placed++;
    }
  }
  return x;
}

describe('DCT basis', () => {
  it('is orthonormal: D Dᵀ = I', () => {
    const N = 28;
    const D = dctMatrix(N);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += D[i * N + k] * D[j * N + k];
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-13);
      }
    }
  });

  it('maps a constant 28x28 image to its DC coefficient 28·c and round-trips', () => {
    const basis = dctBasis([28, 28]);
    const c = basis.analyze(new Float64Array(784).fill(0.5));
    expect(c[0]).toBeCloseTo(28 * 0.5, 12);
    expect(Math.max(...Array.from(c.subarray(1), Math.abs))).toBeLessThan(1e-12);
    const x = gaussianVector(new Rng(1), 784);
    expect(maxAbsDiff(basis.synthesize(basis.analyze(x)), x)).toBeLessThan(1e-12);
  });

  it('matches the DCT-II formula on a non-square grid (1-D, one cosine)', () => {
    const N = 12, k = 3;
    const x = Float64Array.from({ length: N }, (_, j) => Math.cos((Math.PI * (2 * j + 1) * k) / (2 * N)));
    const c = dctBasis([N]).analyze(x);
    // ‖x‖² = N/2 for k > 0, so the coefficient is sqrt(2/N)·N/2 = sqrt(N/2).
    expect(c[k]).toBeCloseTo(Math.sqrt(N / 2), 12);
    expect(imageShape(784)).toEqual([28, 28]);
    expect(imageShape(500)).toEqual([500]);
  });

  it('rejects bad shapes and lengths', () => {
    expect(() => dctBasis([2, 3, 4])).toThrow(ShapeError);
    expect(() => dctBasis([28, 28]).analyze(new Float64Array(10))).toThrow(/expected length 784/);
    expect(() => pixelBasis(5).synthesize(new Float64Array(4))).toThrow(ShapeError);
  });
});

describe('lasso by FISTA', () => {
  it('has a Lipschitz constant ‖A‖² that power iteration through the operator finds', () => {
    const A = gaussianOperator(60, 200, 1);
    // Largest singular value of an m×n N(0,1/m) matrix ≈ 1 + sqrt(n/m).
    expect(opNorm(A, { tol: 1e-6, maxIterations: 50 })).toBeGreaterThan(2.4);
    expect(opNorm(A, { tol: 1e-6, maxIterations: 50 })).toBeLessThan(3.2);
  });

  it('recovers an 8-sparse vector in R^200 from 80 noiseless gaussian measurements', () => {
    const x = sparseVector(200, 8, 3);
    const A = gaussianOperator(80, 200, 4);
    const r = lasso({ measurement: A, observation: A.apply(x) }, { lambda: 1e-4, maxIterations: 20000, tolerance: 1e-12 });
    expect(relativeError(r.signal, x)).toBeLessThan(1e-3);
    expect(r.converged).toBe(true);
    expect(r.coefficients.filter((v) => Math.abs(v) > 1e-3).length).toBe(8);
  });

  it('with noise, stays within a small multiple of the noise and uses the universal λ', () => {
    const x = sparseVector(200, 8, 5);
    const A = gaussianOperator(100, 200, 6);
    const sigma = 0.01;
    const y = A.apply(x);
    const eps = gaussianVector(new Rng(7), 100, sigma);
    for (let i = 0; i < y.length; i++) y[i] += eps[i];
    const r = lasso({ measurement: A, observation: y, noiseLevel: sigma });
    expect(r.lambda).toBeCloseTo(sigma * Math.sqrt(2 * Math.log(200)), 12);
    // ‖ε‖ ≈ 0.1; the Lasso error is O(√s·λ) ≈ 0.09 here.
    expect(norm2(x.map((v, i) => v - r.signal[i]))).toBeLessThan(0.3);
  });

  it('in the DCT basis recovers a DCT-sparse image that pixel-basis Lasso cannot', () => {
    const basis = dctBasis([28, 28]);
    const coeffs = sparseVector(784, 10, 8);
    const image = basis.synthesize(coeffs);
    const A = gaussianOperator(120, 784, 9);
    const y = A.apply(image);
    const dct = lasso({ measurement: A, observation: y }, { basis: 'dct', lambda: 1e-4, maxIterations: 1500, tolerance: 1e-9 });
    const pixel = lasso({ measurement: A, observation: y }, { basis: 'pixel', lambda: 1e-4, maxIterations: 1500, tolerance: 1e-9 });
    expect(relativeError(dct.signal, image)).toBeLessThan(1e-2);
    expect(relativeError(pixel.signal, image)).toBeGreaterThan(0.3);
  });

  it('returns zero when λ exceeds ‖Aᵀy‖∞', () => {
    const A = gaussianOperator(30, 60, 1);
    const y = A.apply(sparseVector(60, 3, 2));
    const r = lasso({ measurement: A, observation: y }, { lambda: 1e3 });
    expect(Math.max(...Array.from(r.signal, Math.abs))).toBe(0);
  });

  it('rejects bad input with the field named', () => {
    const A = gaussianOperator(10, 20, 1);
    expect(() => lasso({ measurement: A, observation: new Float64Array(9) })).toThrow(/lasso observation: expected length 10/);
    expect(() => lasso({ measurement: A, observation: new Float64Array(10) }, { lambda: -1 })).toThrow(ValueError);
    expect(() => lasso({ measurement: A, observation: new Float64Array(10) }, { basis: 'wavelet' as 'dct' })).toThrow(/lasso basis/);
    expect(() => lasso({ measurement: A, observation: [1, 2, 3, 4, 5, 6, 7, 8, 9, Number.NaN] })).toThrow(/lasso observation/);
  });
});
