/** One result shape for every solver, modelled on scipy.optimize.OptimizeResult. */
import type { Problem } from './problem.js';
import { measureFit, type Fit } from './verdict.js';

export type Status =
  /** The stopping rule was met and the answer fits the observation to the stated noise (docs/verdict.md). */
  | 'converged'
  /** The stopping rule was met at a point that does not fit the observation (a local minimum, a spurious fixed point). */
  | 'no_fit'
  /** The iteration limit was reached first. */
  | 'max_iterations'
  /** The constraints admit no solution (LP), even after the threshold schedule. */
  | 'infeasible'
  /** The iterates blew up; the last finite iterate is returned. */
  | 'diverged'
  /** Cancelled through the AbortSignal. */
  | 'aborted'
  | 'time_limit'
  /** A factorisation or the LP solver reported numerical trouble. */
  | 'numerical_error';

export const STATUSES: readonly Status[] = ['converged', 'no_fit', 'max_iterations', 'infeasible', 'diverged', 'aborted', 'time_limit', 'numerical_error'];

export interface HistoryEntry {
  iteration: number;
  /** ‖A·G(z) − y‖ at this iterate. */
  residual: number;
  /** Optional: the objective the solver minimises, if it differs from the residual. */
  objective?: number;
}

export interface Result {
  solver: string;
  status: Status;
  /** The solver stopped by its own rule (status 'converged') and the answer fits (fit.ok). */
  success: boolean;
  /** The verdict's measurement of the fit. */
  fit: Fit;
  message: string;
  /** ẑ. Always finite. */
  latent: Float64Array;
  /** G(ẑ). */
  reconstruction: Float64Array;
  iterations: number;
  /** ‖A·G(ẑ) − y‖₂. */
  residual: number;
  /** Time of the solve itself in milliseconds. */
  timeMs: number;
  history?: HistoryEntry[];
  /** Solver-specific extras (step size used, LP threshold, restarts, …). */
  info?: Record<string, number | string | boolean>;
}

/** What a solver reports; `finishResult` adds reconstruction, residual, the verdict (fit, success) and time. */
export interface RawResult {
  status: Status;
  message: string;
  latent: ArrayLike<number>;
  iterations: number;
  history?: HistoryEntry[];
  info?: Record<string, number | string | boolean>;
}

/**
 * Completes a solver's raw result: reconstruction, residual, the fit and `success` (converged and fits;
 * `solve` then applies the full verdict, `judge`, which also renames a converged misfit `no_fit`). A
 * latent with a non-finite entry is never returned: it becomes the zero vector with status `diverged`,
 * so callers can always use the numbers they get.
 */
export function finishResult(solver: string, problem: Problem, raw: RawResult, startedAt: number): Result {
  let latent = Float64Array.from(raw.latent);
  let { status, message } = raw;
  if (!latent.every(Number.isFinite)) {
    latent = new Float64Array(latent.length);
    status = 'diverged';
    message = `${message}; the latent was not finite and was replaced by zeros`;
  }
  const reconstruction = problem.generator.forward(latent);
  const fit = measureFit(problem, latent, reconstruction);
  const result: Result = {
    solver,
    status,
    success: status === 'converged' && fit.ok,
    fit,
    message,
    latent,
    reconstruction,
    iterations: raw.iterations,
    residual: fit.residual,
    timeMs: now() - startedAt,
  };
  if (raw.history) result.history = raw.history;
  if (raw.info) {
    // A Result never carries NaN or Infinity: a non-finite info number is kept as its text.
    result.info = Object.fromEntries(Object.entries(raw.info).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? String(v) : v]));
  }
  return result;
}

/** A monotonic clock in milliseconds (performance.now exists in Node and browsers). */
export function now(): number {
  return performance.now();
}
