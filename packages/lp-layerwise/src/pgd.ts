/**
 * General linear measurements (a dense or Gaussian A): projected gradient x ← P(x + μ·Aᵀ(y − A·x)),
 * where P(v) = G(invert(v)) is the layer-wise LP inversion followed by the generator, an approximate
 * projection onto the range of G. One inverter (one HiGHS model per layer) serves every iteration.
 */
import { type LinearOperator, norm2, type Progress, type Status } from '@inv/core';
import type { Generator } from '@inv/core';
import type { Inversion, InvertSettings, LayerwiseInverter } from './invert.js';

export interface PgdSettings {
  /** μ; default 1/‖A‖₂². */
  step?: number;
  maxIterations: number;
  /** Stop when ‖x_{t+1} − x_t‖ ≤ tol·‖x_t‖. */
  tol: number;
}

/** ‖A‖₂ by power iteration on AᵀA through the operator (A may never be materialised). */
export function operatorNorm(A: LinearOperator, iterations = 200): number {
  let v: Float64Array = new Float64Array(A.cols).map((_, j) => 1 + 0.01 * Math.sin(j + 1));
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    const n = norm2(v);
    if (n === 0) return 0;
    for (let j = 0; j < v.length; j++) v[j] /= n;
    const Av = A.apply(v);
    const next = norm2(Av);
    v = A.adjoint(Av);
    if (Math.abs(next - sigma) <= 1e-8 * next) return next;
    sigma = next;
  }
  return sigma;
}

export function projectedGradient(
  inverter: LayerwiseInverter,
  generator: Generator,
  A: LinearOperator,
  y: Float64Array,
  settings: InvertSettings,
  pgd: PgdSettings,
  onIteration?: (p: Omit<Progress, 'item' | 'items'>) => void,
  signal?: AbortSignal,
): Inversion {
  const mu = pgd.step ?? 1 / operatorNorm(A) ** 2;
  let x: Float64Array = new Float64Array(A.cols);
  let last: Inversion | undefined;
  let start = settings.threshold;
  let lpSolves = 0;
  const done = (status: Status, message: string, iterations: number): Inversion => ({
    status,
    message,
    latent: last?.latent ?? new Float64Array(generator.inputDim),
    iterations,
    info: { ...(last?.info ?? { threshold: start }), lpSolves, step: mu },
  });
  for (let it = 1; it <= pgd.maxIterations; it++) {
    if (signal?.aborted) return done('aborted', `aborted after ${it - 1} projected-gradient iterations`, it - 1);
    const r = A.apply(x);
    for (let i = 0; i < r.length; i++) r[i] = y[i] - r[i];
    const g = A.adjoint(r);
    let stepInf = 0;
    for (let j = 0; j < g.length; j++) {
      stepInf = Math.max(stepInf, Math.abs(mu * g[j]));
      g[j] = x[j] + mu * g[j];
    }
    // x = G(ẑ) is in the range, so the top layer is feasible at t = ‖g − x‖∞: start the schedule
    // there (after the first iteration) instead of climbing from the noise level every time.
    if (it > 1) start = Math.max(settings.threshold, Math.min(start, stepInf));
    const inv = inverter.invert(g, { ...settings, threshold: start, warmStart: it > 1 });
    lpSolves += inv.info.lpSolves;
    if (inv.status === 'time_limit' || inv.status === 'numerical_error') {
      return done(inv.status, `projected gradient, iteration ${it}: ${inv.message}`, it);
    }
    last = inv;
    const next = generator.forward(inv.latent);
    let change = 0;
    for (let j = 0; j < next.length; j++) change += (next[j] - x[j]) ** 2;
    change = Math.sqrt(change);
    const size = norm2(x);
    x = next;
    start = inv.info.threshold;
    onIteration?.({ iteration: it, residual: norm2(r) });
    if (change <= pgd.tol * size) return done('converged', `projected gradient converged in ${it} iterations (step ${mu.toExponential(2)})`, it);
  }
  return done('max_iterations', `projected gradient stopped after ${pgd.maxIterations} iterations without meeting tol ${pgd.tol}`, pgd.maxIterations);
}
