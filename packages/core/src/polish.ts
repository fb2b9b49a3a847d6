/**
 * Gauss–Newton on the latent after a first-order method: z ← z + argmin_d ‖A·J_G(z)·d − (y − A·G(z))‖₂.
 * A ReLU net is piecewise linear, so once projected gradient or gradient descent has found the right
 * activation pattern one step lands on the exact latent (realizable case); the first-order method alone
 * only approaches it linearly. A step is kept only if it lowers the residual, so it never makes a result worse.
 */
import type { Generator } from './generator.js';
import { Matrix, norm2, QR } from './linalg.js';
import type { LinearOperator } from './operators.js';

export interface Polished {
  latent: Float64Array;
  residual: number;
  /** Accepted steps. */
  steps: number;
}

/** y − A·x (a new array). */
export function residualOf(A: LinearOperator, y: Float64Array, x: Float64Array): Float64Array {
  const r = A.apply(x);
  for (let i = 0; i < r.length; i++) r[i] = y[i] - r[i];
  return r;
}

/** y − A·G(z). */
function residualVector(generator: Generator, A: LinearOperator, y: Float64Array, z: Float64Array): Float64Array {
  return residualOf(A, y, generator.forward(z));
}

/** Up to `maxSteps` Gauss–Newton steps (each halved up to twice if it does not lower ‖y − A·G(z)‖). */
export function gaussNewtonPolish(generator: Generator, A: LinearOperator, y: Float64Array, latent: Float64Array, maxSteps: number): Polished {
  const k = generator.inputDim;
  let z = latent;
  let r = residualVector(generator, A, y, z);
  let residual = norm2(r);
  let steps = 0;
  if (A.rows < k) return { latent: z, residual, steps };
  for (let s = 0; s < maxSteps && residual > 0; s++) {
    const trace = generator.trace(z);
    const AJ = new Matrix(A.rows, k);
    const e = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      e[j] = 1;
      const col = A.apply(generator.jvp(z, e, trace));
      e[j] = 0;
      for (let i = 0; i < A.rows; i++) AJ.data[i * k + j] = col[i];
    }
    const qr = new QR(AJ);
    if (qr.isRankDeficient(1e-10)) break;
    const d = qr.solve(r);
    let accepted = false;
    for (let scale = 1; scale >= 0.25 && !accepted; scale /= 2) {
      const next = Float64Array.from(z, (v, j) => v + scale * d[j]);
      const nextR = residualVector(generator, A, y, next);
      const nextResidual = norm2(nextR);
      if (nextResidual < residual) {
        accepted = true;
        // Stop once the gain is negligible: the fit is as good as the pattern allows.
        const stalled = nextResidual > residual * (1 - 1e-6);
        z = next;
        r = nextR;
        residual = nextResidual;
        steps++;
        if (stalled) return { latent: z, residual, steps };
      }
    }
    if (!accepted) break;
  }
  return { latent: z, residual, steps };
}
