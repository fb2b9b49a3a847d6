/**
 * The objective f(z) = ‖A·G(z) − y‖² + λ‖z‖² and its gradient 2·J_G(z)ᵀAᵀ(A·G(z) − y) + 2λz for many
 * latents at once. Row t of Z is scored against observation `targets[t]`, so restarts of one problem
 * and items of a batch are all just rows.
 */
import { dot, Matrix, type Generator, type LinearOperator } from '@inv/core';

export interface Scores {
  /** f per row. */
  value: Float64Array;
  /** ‖A·G(z) − y‖² per row. */
  misfit: Float64Array;
}

export interface ScoresWithGradient extends Scores {
  gradient: Matrix;
}

export interface Oracle {
  values(Z: Matrix, targets: Int32Array): Scores;
  valuesAndGradients(Z: Matrix, targets: Int32Array): ScoresWithGradient;
  dispose(): void;
}

export interface ObjectiveData {
  generator: Generator;
  measurement: LinearOperator;
  /** One observation per row. */
  observations: Matrix;
  lambda: number;
}

/** ‖v‖², shared with the descent loop. */
export function squaredNorm(v: ArrayLike<number>): number {
  return dot(v, v);
}

/** Float64 backpropagation with the core generator: exact enough for recovery to 1e-9. */
export class Float64Oracle implements Oracle {
  constructor(private readonly data: ObjectiveData) {}

  private residual(target: number, x: Float64Array): Float64Array {
    const r = this.data.measurement.apply(x);
    const y = this.data.observations.row(target);
    for (let i = 0; i < r.length; i++) r[i] -= y[i];
    return r;
  }

  values(Z: Matrix, targets: Int32Array): Scores {
    const value = new Float64Array(Z.rows);
    const misfit = new Float64Array(Z.rows);
    for (let t = 0; t < Z.rows; t++) {
      const z = Z.row(t);
      misfit[t] = squaredNorm(this.residual(targets[t], this.data.generator.forward(z)));
      value[t] = misfit[t] + this.data.lambda * squaredNorm(z);
    }
    return { value, misfit };
  }

  valuesAndGradients(Z: Matrix, targets: Int32Array): ScoresWithGradient {
    const { generator, measurement, lambda } = this.data;
    const value = new Float64Array(Z.rows);
    const misfit = new Float64Array(Z.rows);
    const gradient = new Matrix(Z.rows, Z.cols);
    for (let t = 0; t < Z.rows; t++) {
      const z = Z.row(t);
      const trace = generator.trace(z);
      const r = this.residual(targets[t], trace.post[trace.post.length - 1]);
      misfit[t] = squaredNorm(r);
      value[t] = misfit[t] + lambda * squaredNorm(z);
      const g = generator.vjp(z, measurement.adjoint(r), trace);
      const out = gradient.row(t);
      for (let j = 0; j < g.length; j++) out[j] = 2 * g[j] + 2 * lambda * z[j];
    }
    return { value, misfit, gradient };
  }

  dispose(): void {}
}

/**
 * The step that minimises the Gauss-Newton model of f along −g: ‖g‖² / (2‖A·J_G(z)·g‖² + 2λ‖g‖²).
 * For Gaussian ReLU nets J_GᵀJ_G ≈ 2^−d·I, so this is close to the ideal step without any tuning.
 */
export function gaussNewtonStep(data: ObjectiveData, z: Float64Array, g: Float64Array): number {
  const gg = squaredNorm(g);
  const curvature = 2 * squaredNorm(data.measurement.apply(data.generator.jvp(z, g))) + 2 * data.lambda * gg;
  return gg > 0 && curvature > 0 && Number.isFinite(gg / curvature) ? gg / curvature : 1;
}
