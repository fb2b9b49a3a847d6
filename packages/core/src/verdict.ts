/**
 * The verdict: whether an answer fits the observation to the noise the problem states (docs/verdict.md).
 * A status is a promise: `converged` and `success` only when ‖A·G(ẑ) − y‖ is within the allowed level.
 */
import { norm2 } from './linalg.js';
import type { Problem } from './problem.js';
import { residualNorm, type Fit, type Result } from './result.js';

/** How strictly the fit is judged: allowed = noiseFactor·‖ε‖ + tol·‖y‖. */
export interface VerdictSettings {
  /** Multiple of the stated noise norm ‖ε‖ a fit may reach (the discrepancy principle's τ > 1). */
  noiseFactor: number;
  /** Relative slack for rounding and stopping tolerances; with unknown noise, the whole allowance. */
  tol: number;
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

function describe(fit: Fit): string {
  const rho = fit.residual.toExponential(2);
  const allowed = fit.allowed.toExponential(2);
  const noise = fit.noise === undefined ? 'no noise stated' : `stated noise ‖ε‖ = ${fit.noise.toExponential(2)}`;
  return fit.ok ? `‖A·G(ẑ) − y‖ = ${rho} ≤ ${allowed} allowed (${noise})` : `‖A·G(ẑ) − y‖ = ${rho} > ${allowed} allowed (${noise})`;
}

/** What to try when an answer does not fit. */
function advice(fit: Fit): string {
  const hint = 'try random restarts or another start, another solver, or more measurements';
  return fit.noise === undefined ? `${hint}; if the observation is noisy, state its noise (noiseLevel or noiseNorm)` : hint;
}

const FITS = '; the answer fits nonetheless (';
const DOES_NOT_FIT = '; the answer does not fit (';

/**
 * Applies the verdict to a solver's result (`solve` does, once, whichever path produced the result):
 * a `converged` answer that does not fit becomes `no_fit`; `max_iterations` and `time_limit` say
 * whether their answer fits; `success` = converged and fits. Judging a judged result changes nothing.
 */
export function judge(problem: Problem, result: Result): Result {
  const fit = measureFit(problem, result.latent);
  let { status, message } = result;
  if (status === 'converged' && !fit.ok) {
    status = 'no_fit';
    message = `stopped by its own rule (${message}) at a point that does not fit: ${describe(fit)}; ${advice(fit)}`;
  } else if ((status === 'max_iterations' || status === 'time_limit') && !message.includes(FITS) && !message.includes(DOES_NOT_FIT)) {
    message = fit.ok ? `${message}${FITS}${describe(fit)}), but the stopping rule was not met` : `${message}${DOES_NOT_FIT}${describe(fit)})`;
  }
  return { ...result, status, message, residual: fit.residual, fit, success: status === 'converged' && fit.ok };
}
