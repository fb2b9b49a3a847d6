/**
 * The verdict: whether an answer fits the observation to the noise the problem states (docs/verdict.md).
 * A status is a promise: `converged` and `success` only when ‖A·G(ẑ) − y‖ is within the allowed level.
 */
import { norm2 } from './linalg.js';
import type { Problem, VerdictSettings } from './problem.js';

/** How well an answer fits the observation, against what the stated noise allows (docs/verdict.md). */
export interface Fit {
  /** ρ = ‖A·G(ẑ) − y‖₂. */
  residual: number;
  /** The largest ρ the stated noise allows: noiseFactor·‖ε‖ + tol·‖y‖. */
  allowed: number;
  /** residual ≤ allowed. */
  ok: boolean;
  /** The noise norm ‖ε‖ the problem states (noiseNorm, or noiseLevel·√m); absent when unknown. */
  noise?: number;
}

/** ‖A·G(z) − y‖₂, with G(z) supplied if already known. */
export function residualNorm(problem: Problem, latent: ArrayLike<number>, reconstruction = problem.generator.forward(latent)): number {
  const Ax = problem.measurement.apply(reconstruction);
  for (let i = 0; i < Ax.length; i++) Ax[i] -= problem.observation[i];
  return norm2(Ax);
}

/**
 * Defaults: a realizable observation's best fit has ρ ≤ ‖ε‖, and ‖ε‖ for Gaussian noise fluctuates by a
 * few σ around σ√m, so 1.5 leaves room for a local solver near z* while still refusing the fits of
 * unrelated signals (ρ of order ‖y‖). 1e-3·‖y‖ covers float32 batches and stopping tolerances.
 */
export const DEFAULT_VERDICT: Readonly<VerdictSettings> = Object.freeze({ noiseFactor: 1.5, tol: 1e-3 });

/** The noise norm ‖ε‖ a problem states: `noiseNorm`, else `noiseLevel`·√m (per entry), else undefined. */
export function statedNoiseNorm(problem: Pick<Problem, 'noiseLevel' | 'noiseNorm' | 'observation'>): number | undefined {
  if (problem.noiseNorm !== undefined) return problem.noiseNorm;
  if (problem.noiseLevel !== undefined) return problem.noiseLevel * Math.sqrt(problem.observation.length);
  return undefined;
}

/** The largest ‖A·G(ẑ) − y‖ the problem's stated noise allows. */
export function allowedResidual(problem: Problem): number {
  const settings = { ...DEFAULT_VERDICT, ...problem.verdict };
  const noise = statedNoiseNorm(problem);
  return settings.noiseFactor * (noise ?? 0) + settings.tol * norm2(problem.observation);
}

/** The fit of `latent`, with its residual computed afresh (the verdict does not take a solver's word). */
export function measureFit(problem: Problem, latent: ArrayLike<number>, reconstruction?: Float64Array): Fit {
  const residual = residualNorm(problem, latent, reconstruction);
  const allowed = allowedResidual(problem);
  const noise = statedNoiseNorm(problem);
  const fit: Fit = { residual, allowed, ok: residual <= allowed };
  if (noise !== undefined) fit.noise = noise;
  return fit;
}
