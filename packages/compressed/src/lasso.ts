/**
 * Lasso baselines of the generative-prior papers: min_c ½‖A·Ψc − y‖² + λ‖c‖₁, x̂ = Ψĉ, solved by FISTA
 * (Beck & Teboulle 2009) with step 1/‖A‖² and adaptive restart (O'Donoghue & Candès 2015).
 *
 * λ, when not given: σ·√(2 log n) if the per-entry noise std σ is known (the universal threshold; the
 * columns of an N(0, 1/m) matrix have norm ≈ 1), else 1e-3·‖ΨᵀAᵀy‖∞ (a small fraction of the λ at which
 * ĉ = 0). CSGM's MNIST baseline (sklearn Lasso, α = 0.1, A ~ N(0, 1), objective ½m⁻¹‖y − Ax‖²) is the
 * same problem as λ = 0.1 here with our N(0, 1/m) scaling, because both the A and the y of CSGM are √m
 * times ours.
 */
import { assertFinite, assertInteger, norm2, normInf, opNorm, ShapeError, ValueError, type LinearOperator } from '@inv/core';
import { dctBasis, imageShape, pixelBasis, type Basis } from './basis.js';

export interface LassoInput {
  measurement: LinearOperator;
  observation: ArrayLike<number>;
  /** Per-entry noise std, used for the default λ. */
  noiseLevel?: number;
}

export interface LassoOptions {
  /** `pixel`, `dct` (2-D for square n) or a Basis. Default `pixel`. */
  basis?: 'pixel' | 'dct' | Basis;
  /** Grid for the DCT, default imageShape(n). */
  shape?: readonly number[];
  lambda?: number;
  /** Default 2000. */
  maxIterations?: number;
  /** Stop when ‖c_k+1 − c_k‖ ≤ tolerance·‖c_k+1‖. Default 1e-7. */
  tolerance?: number;
}

export interface LassoResult {
  /** x̂ = Ψĉ. */
  signal: Float64Array;
  coefficients: Float64Array;
  lambda: number;
  iterations: number;
  converged: boolean;
  /** ‖A·x̂ − y‖₂. */
  residual: number;
}

function resolveBasis(options: LassoOptions, n: number): Basis {
  const basis = options.basis ?? 'pixel';
  if (basis === 'pixel') return pixelBasis(n);
  if (basis === 'dct') return dctBasis(options.shape ?? imageShape(n));
  if (typeof basis === 'object' && basis.size === n) return basis;
  if (typeof basis === 'object') throw new ShapeError(`lasso basis: has size ${basis.size}, expected ${n}`);
  throw new ValueError(`lasso basis: expected pixel, dct or a Basis, got ${JSON.stringify(basis)}`);
}

function softThreshold(v: Float64Array, t: number): Float64Array {
  for (let i = 0; i < v.length; i++) {
    const a = v[i];
    v[i] = a > t ? a - t : a < -t ? a + t : 0;
  }
  return v;
}

/** x̂ from y = A·x + ε by the Lasso in the chosen basis. */
export function lasso(input: LassoInput, options: LassoOptions = {}): LassoResult {
  const A = input.measurement;
  const y = Float64Array.from(input.observation);
  if (y.length !== A.rows) throw new ShapeError(`lasso observation: expected length ${A.rows}, got ${y.length}`);
  assertFinite(y, 'lasso observation');
  const n = A.cols;
  const basis = resolveBasis(options, n);
  const maxIterations = options.maxIterations ?? 2000;
  assertInteger(maxIterations, 'lasso maxIterations', 1);
  const tolerance = options.tolerance ?? 1e-7;
  if (!(tolerance >= 0)) throw new ValueError(`lasso tolerance: expected a number >= 0, got ${tolerance}`);
  // λ_max = ‖Ψᵀ·Aᵀy‖_∞ costs an adjoint and an analysis: computed only when it sets the default λ.
  const lambda = options.lambda ?? (input.noiseLevel ? input.noiseLevel * Math.sqrt(2 * Math.log(n)) : 1e-3 * normInf(basis.analyze(A.adjoint(y))));
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new ValueError(`lasso lambda: expected a finite number >= 0, got ${lambda}`);

  // FISTA needs the Lipschitz constant ‖A‖² only to within a percent: a loose power iteration will do.
  const L = opNorm(A, { tol: 1e-6, maxIterations: 50 }) ** 2 * 1.01;
  const c = new Float64Array(n), prev = new Float64Array(n), v = new Float64Array(n);
  const x = new Float64Array(n), r = new Float64Array(A.rows), g = new Float64Array(n), gc = new Float64Array(n);
  let t = 1, iterations = 0, converged = false;
  if (L > 0) {
    for (iterations = 1; iterations <= maxIterations; iterations++) {
      // Gradient of ½‖AΨv − y‖² is ΨᵀAᵀ(AΨv − y).
      basis.synthesize(v, x);
      A.apply(x, r);
      for (let i = 0; i < r.length; i++) r[i] -= y[i];
      basis.analyze(A.adjoint(r, g), gc);
      prev.set(c);
      for (let i = 0; i < n; i++) c[i] = v[i] - gc[i] / L;
      softThreshold(c, lambda / L);
      // Restart the momentum when it points uphill (v − c and c − prev agree in direction).
      let uphill = 0, step = 0;
      for (let i = 0; i < n; i++) {
        uphill += (v[i] - c[i]) * (c[i] - prev[i]);
        step += (c[i] - prev[i]) ** 2;
      }
      const tNext = uphill > 0 ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      const beta = uphill > 0 ? 0 : (t - 1) / tNext;
      t = tNext;
      for (let i = 0; i < n; i++) v[i] = c[i] + beta * (c[i] - prev[i]);
      if (Math.sqrt(step) <= tolerance * norm2(c)) {
        converged = true;
        break;
      }
    }
    iterations = Math.min(iterations, maxIterations);
  }
  const signal = basis.synthesize(c);
  const res = A.apply(signal);
  for (let i = 0; i < res.length; i++) res[i] -= y[i];
  return { signal, coefficients: c, lambda, iterations, converged, residual: norm2(res) };
}
