/**
 * The verdict applied to a result (docs/verdict.md): what `solve` does to every result, once. Apart from
 * verdict.ts so that the verdict's measurements need not know the result they judge.
 */
import type { Problem } from './problem.js';
import type { Result } from './result.js';
import { measureFit, type Fit } from './verdict.js';

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
