/** One PLUGIn inversion in float64: z ← z − η·Mᵀ(Φ·G(z) − y) with M = Φ·W_d⋯W_1 fixed. */
import { finishResult, norm2, now, Pacer, type Problem, type Result, type SolveContext, type Status } from '@inv/core';
import { Column } from './column.js';
import { initialLatent } from './init.js';
import type { PluginOptions } from './options.js';
import { invertsOutput, planFor, targetOf, type Plan } from './plan.js';

export const SOLVER_NAME = 'plugin';

/** The step actually used first: the option, or θ/γ̂. */
export function initialStep(plan: Plan, options: PluginOptions): number {
  return options.step ?? options.theta / plan.gain;
}

export async function solveSingle(problem: Problem, options: PluginOptions, context: SolveContext, item = 0, items = 1): Promise<Result> {
  const startedAt = now();
  const invert = invertsOutput(problem.generator, problem.measurement, [problem.observation], problem.noiseLevel, options.invertOutput);
  const plan = planFor(problem.generator, problem.measurement, invert);
  const target = targetOf(plan, problem.observation, options.clip);
  const m = plan.measurement.rows;
  const column = new Column(initialLatent(options, plan.inner.inputDim, item), initialStep(plan, options), options.safeguard, options.history);
  const r = new Float64Array(m);
  const d = new Float64Array(plan.inner.inputDim);
  const pacer = new Pacer();
  while (column.status === undefined) {
    if (context.signal?.aborted) {
      column.status = 'aborted';
      break;
    }
    plan.measurement.apply(plan.inner.forward(column.z), r);
    for (let i = 0; i < m; i++) r[i] -= target[i];
    const residual = norm2(r);
    column.advance(plan.surrogateT(r, d), residual, options);
    if (context.onProgress && column.status === undefined && pacer.reportDue()) {
      context.onProgress({ item, items, iteration: column.iterations, residual });
    }
    await pacer.maybeYield();
  }
  return finish(problem, plan, options, column, startedAt);
}

/** The Result of a finished column (single or batch item). */
export function finish(problem: Problem, plan: Plan, options: PluginOptions, column: Column, startedAt: number, extra: Record<string, number> = {}): Result {
  const status = column.status ?? 'max_iterations';
  const info = {
    step: initialStep(plan, options),
    finalStep: column.guard.step,
    stepHalvings: column.guard.shrinks,
    gain: plan.gain,
    outputInverted: plan.outputInverted,
    ...extra,
  };
  const raw = { status, message: statusMessage(status, column.iterations, options), latent: column.z, iterations: column.iterations, history: column.history, info };
  return finishResult(SOLVER_NAME, problem, raw, startedAt);
}

function statusMessage(status: Status, iterations: number, options: PluginOptions): string {
  switch (status) {
    case 'converged':
      return `relative step below tol after ${iterations} iterations`;
    case 'max_iterations':
      return `stopped at the iteration limit (${options.maxIterations})`;
    case 'diverged':
      return `the residual blew up after ${iterations} iterations; returning the best iterate`;
    case 'aborted':
      return `aborted after ${iterations} iterations`;
    default:
      return status;
  }
}
