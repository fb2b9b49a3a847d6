/** Options, settings and the per-problem entry points shared by `lp-linf` and `lp-l1`. */
import {
  type BatchProblem,
  batchItem,
  finishResult,
  MaskOperator,
  now,
  type OptionSchema,
  type OptionValues,
  type Problem,
  type Result,
  type SolveContext,
} from '@inv/core';
import { getHighs, type Highs } from './highs.js';
import { type InvertSettings, LayerwiseInverter } from './invert.js';
import type { LpNorm } from './layer-lp.js';
import { projectedGradient } from './pgd.js';

export const CLEAN_THRESHOLD = 1e-9;

export const lpOptions: OptionSchema = {
  threshold: { type: 'number', min: 0, description: 'initial activity threshold (default: the problem noise level, or 1e-9 for clean observations)' },
  growth: { type: 'number', default: 1.2, min: 1.0001, max: 10, description: 'factor by which the threshold grows while the l-inf LP is infeasible (l1: while the fit improves)' },
  maxThresholdSteps: { type: 'integer', default: 200, min: 0, description: 'threshold growth steps per layer before giving up (status infeasible)' },
  fastPath: { type: 'boolean', default: true, description: 'try least squares on the active rows first; kept only if it satisfies every constraint' },
  fastPathSteps: { type: 'integer', default: 12, min: 0, description: 'l-inf: thresholds of the growth schedule tried with the fast path before the LP' },
  timeLimit: { type: 'number', min: 0, description: 'wall-time limit per observation in seconds (status time_limit)' },
  clip: { type: 'number', default: 1e-6, min: 0, max: 0.5, description: 'clip for the elementwise inverse of a sigmoid/tanh output' },
  step: { type: 'number', min: 0, description: 'projected-gradient step μ for general measurements (default: 1 / the mean ‖A·G(z)‖²/‖G(z)‖² over 8 seeded samples, halved while the residual grows, never below 1/‖A‖²)' },
  maxIterations: { type: 'integer', default: 100, min: 1, description: 'projected-gradient iterations for general measurements' },
  polishSteps: { type: 'integer', default: 10, min: 0, description: 'projected gradient: Gauss–Newton steps on the final latent, each kept only if it lowers the residual (0: off)' },
  tol: { type: 'number', default: 1e-10, min: 0, description: 'projected-gradient stop: relative change of G(z) between iterations' },
  workers: { type: 'integer', default: 0, min: 0, description: 'worker threads for batches in Node (0: one per CPU for batches of 8 or more; 1: in this thread)' },
};

export function settingsFor(problem: Problem | BatchProblem, options: OptionValues, norm: LpNorm, startedAt: number): InvertSettings {
  const given = options.threshold as number | undefined;
  const threshold = given !== undefined && given > 0 ? given : problem.noiseLevel ? problem.noiseLevel : CLEAN_THRESHOLD;
  const timeLimit = options.timeLimit as number | undefined;
  return {
    norm,
    threshold,
    growth: (options.growth as number) ?? 1.2,
    maxThresholdSteps: (options.maxThresholdSteps as number) ?? 200,
    fastPath: (options.fastPath as boolean) ?? true,
    fastPathSteps: (options.fastPathSteps as number) ?? 12,
    clip: (options.clip as number) ?? 1e-6,
    deadline: timeLimit === undefined ? Infinity : startedAt + timeLimit * 1000,
  };
}

/** Identity and mask measurements are inverted directly; anything else through projected gradient. */
function isNative(problem: Problem | BatchProblem): boolean {
  return problem.measurement.kind === 'identity' || problem.measurement instanceof MaskOperator;
}

/** Solves one problem with an inverter whose models may be reused by the caller. */
export function solveWith(inverter: LayerwiseInverter, name: string, problem: Problem, options: OptionValues, context: SolveContext, item = 0, items = 1): Result {
  const startedAt = now();
  const settings = settingsFor(problem, options, inverter.norm, startedAt);
  const raw = isNative(problem)
    ? inverter.invert(problem.observation, settings)
    : projectedGradient(
        inverter,
        problem.generator,
        problem.measurement,
        problem.observation,
        settings,
        { step: options.step as number | undefined, maxIterations: (options.maxIterations as number) ?? 100, tol: (options.tol as number) ?? 1e-10, polishSteps: (options.polishSteps as number) ?? 10 },
        context.onProgress && ((p) => context.onProgress!({ ...p, item, items })),
        context.signal,
      );
  return finishResult(name, problem, raw, startedAt);
}

/**
 * A mask keeps rows of the last layer; other non-identity operators project onto the generator's
 * range, so their inverter sees every output.
 */
export function inverterFor(highs: Highs, problem: Problem | BatchProblem, norm: LpNorm): LayerwiseInverter {
  const rows = problem.measurement instanceof MaskOperator ? problem.measurement.indices : undefined;
  return new LayerwiseInverter(highs, problem.generator, norm, rows);
}

export async function solveSingle(name: string, norm: LpNorm, problem: Problem, options: OptionValues, context: SolveContext): Promise<Result> {
  const inverter = inverterFor(await getHighs(), problem, norm);
  try {
    return solveWith(inverter, name, problem, options, context);
  } finally {
    inverter.dispose();
  }
}

/** A batch in this thread: one HiGHS model per layer, re-solved with new bounds for every item. */
export async function solveItems(name: string, norm: LpNorm, batch: BatchProblem, options: OptionValues, context: SolveContext): Promise<Result[]> {
  const inverter = inverterFor(await getHighs(), batch, norm);
  const items = batch.observations.rows;
  const results: Result[] = [];
  try {
    for (let i = 0; i < items; i++) {
      if (context.signal?.aborted) return [...results, ...abortedResults(name, batch, i)];
      const result = solveWith(inverter, name, batchItem(batch, i), options, context, i, items);
      results.push(result);
      context.onProgress?.({ item: i, items, iteration: result.iterations, residual: result.residual });
    }
  } finally {
    inverter.dispose();
  }
  return results;
}

/** Results for items `from`.. of a cancelled batch: status aborted, zero latent, so a batch always has B results. */
export function abortedResults(name: string, batch: BatchProblem, from = 0): Result[] {
  const out: Result[] = [];
  const items = batch.observations.rows;
  for (let i = from; i < items; i++) {
    const latent = new Float64Array(batch.generator.inputDim);
    const message = `aborted before item ${i} of ${items} was solved; the latent is zeros`;
    out.push(finishResult(name, batchItem(batch, i), { status: 'aborted', message, latent, iterations: 0 }, now()));
  }
  return out;
}
