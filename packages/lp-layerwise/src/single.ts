/** One `lp-linf` or `lp-l1` inversion: the layer-wise LPs (identity, masks) or projected gradient (other measurements). */
import {
  batchItem,
  type BatchProblem,
  finishResult,
  gaussNewtonPolish,
  InvError,
  isBatchProblem,
  oneLine,
  UnsupportedError,
  normInf,
  now,
  Pacer,
  type OptionValues,
  type Problem,
  type Result,
  type SolveContext,
  selectedEntries,
  stageIn,
  stageOut,
  sub,
} from '@inv/core';
import { contractionFailure } from './conditions.js';
import { getHighs, type Highs, releaseHighs } from './highs.js';
import { type Inversion, type InvertSettings, LayerwiseInverter } from './invert.js';
import type { LpNorm } from './layer-lp.js';
import { CLEAN_THRESHOLD, pgdSettingsFor, settingsFor } from './options.js';
import { projectedGradient } from './pgd.js';

/**
 * A layer-wise answer counts as converged only if it reproduces the observation: max |A·G(ẑ) − y| at
 * most this many times the threshold it was accepted at, and, when the problem states a noise level,
 * this many times that level. Without the check lp-l1 reported `converged` at threshold 1e-9 with a
 * misfit of 0.2 on a non-expansive net.
 */
export const FIT_SLACK = 10;

/** Growth of the threshold (final / initial) past which a clean-looking solve says the noise it had to assume. */
const NOTABLE_GROWTH = 1e3;

/** Identity and selections (masks) are inverted directly; anything else through projected gradient. */
function isNative(problem: Problem | BatchProblem): boolean {
  return problem.measurement.kind === 'identity' || selectedEntries(problem.measurement) !== undefined;
}

/**
 * Solves one problem with an inverter whose models may be reused by the caller; `pacer` is the batch's
 * when this problem is an item of one, so that its progress reports keep core's cadence across items.
 */
export async function solveWith(inverter: LayerwiseInverter, name: string, problem: Problem, options: OptionValues, context: SolveContext, item = 0, items = 1, pacer = new Pacer()): Promise<Result> {
  const startedAt = now();
  const signal = context.signal;
  const settings: InvertSettings = {
    ...settingsFor(problem, options, inverter.norm, startedAt, problem.observation),
    between: () => pacer.maybeYield(),
    stop: () => signal?.aborted === true,
    // Only a solve that can be aborted cuts its LPs into slices (each costs HiGHS a refactorisation;
    // layer-lp.ts); a time limit is HiGHS' own.
    sliced: signal !== undefined,
  };
  const raw = isNative(problem)
    ? await inverter.invert(problem.observation, settings)
    : await projectedGradient(
        inverter,
        problem.generator,
        problem.measurement,
        problem.observation,
        settings,
        pgdSettingsFor(options),
        context.onProgress && ((p) => pacer.reportDue() && context.onProgress!({ ...p, item, items })),
        context.signal,
      );
  const result = finishResult(name, problem, raw, startedAt);
  if (!isNative(problem)) return result;
  const checked = checkFit(problem, result, settings.threshold);
  const steps = pgdSettingsFor(options).polishSteps;
  // Not fitting: infeasible by the layer-wise tests, or converged by them but outside what the stated noise allows.
  const unfit = checked.status === 'infeasible' || (checked.status === 'converged' && !checked.success);
  // A solve past its time limit returns what it has: the polish is not started then.
  return unfit && steps > 0 && now() < settings.deadline ? polishUnfit(name, problem, raw, checked, steps, startedAt, settings.threshold) : checked;
}

/**
 * Layer-wise errors grow from layer to layer: on a trained net the latent can be close to z* and still
 * miss the observation by far more than the noise (docs/lp-layerwise.md, "Gauss–Newton polish").
 * Gauss–Newton steps from it on ‖y − A·G(z)‖₂ (core's polish, the one projected gradient ends with)
 * are kept only when the polished latent fits the observation; otherwise the layer-wise answer stands.
 */
function polishUnfit(name: string, problem: Problem, raw: Inversion, unfit: Result, steps: number, startedAt: number, initialThreshold: number): Result {
  const p = gaussNewtonPolish(problem.generator, problem.measurement, Float64Array.from(problem.observation), unfit.latent, steps);
  if (p.steps === 0) return unfit;
  const polished = finishResult(name, problem, { ...raw, status: 'converged', latent: p.latent, iterations: raw.iterations + p.steps, info: { ...raw.info, gaussNewtonSteps: p.steps } }, startedAt);
  polished.message = `${raw.message}; ${p.steps} Gauss–Newton steps from the layer-wise latent fit the observation: max |A·G(ẑ) − y| = ${maxMisfit(problem, polished).toExponential(2)}`;
  const verdict = checkFit(problem, polished, initialThreshold);
  // Both tests: checkFit's (the threshold and the stated noise, max-norm) and the verdict's (‖·‖₂ against the stated noise).
  return verdict.status === 'converged' && verdict.success ? verdict : unfit;
}

/**
 * Checks a `converged` layer-wise inversion against the observation (see FIT_SLACK): one that does not
 * fit becomes `infeasible` with the reason; one that fits only because the threshold grew far says so.
 */
function checkFit(problem: Problem, result: Result, initialThreshold: number): Result {
  if (result.status !== 'converged') return result;
  const y = problem.observation;
  const misfit = maxMisfit(problem, result);
  const floor = CLEAN_THRESHOLD * Math.max(1, normInf(y));
  const finalThreshold = typeof result.info?.threshold === 'number' ? result.info.threshold : initialThreshold;
  const widths = problem.generator.widths;
  const narrowest = Math.min(...widths.slice(1).map((w, i) => w / widths[i])).toFixed(2);
  const why = `layer-wise inversion is exact only for realizable observations of expansive layers (about 2.1× wider than their input; the narrowest here is ${narrowest}×)`;
  const bounds: [number, string][] = [[FIT_SLACK * Math.max(finalThreshold, floor), `the threshold ${finalThreshold.toExponential(2)} it was accepted at`]];
  if (problem.noiseLevel !== undefined) bounds.push([FIT_SLACK * Math.max(problem.noiseLevel, floor), `the stated noise level ${problem.noiseLevel.toExponential(2)}`]);
  for (const [allowed, what] of bounds) {
    if (misfit > allowed) {
      const message = `no latent fits the observation: max |A·G(ẑ) − y| = ${misfit.toExponential(2)} > ${FIT_SLACK}× ${what}; ${why}; the best-effort latent is returned (${result.message})`;
      return { ...result, status: 'infeasible', success: false, message };
    }
  }
  if (problem.noiseLevel === undefined && finalThreshold > NOTABLE_GROWTH * initialThreshold) {
    const message = `${result.message}; the fit max |A·G(ẑ) − y| = ${misfit.toExponential(2)} needed the threshold to grow from ${initialThreshold.toExponential(2)}: if the observation is clean, ${why}`;
    return { ...result, message };
  }
  return result;
}

/** max |A·G(ẑ) − y| of a result. */
function maxMisfit(problem: Problem, result: Result): number {
  const fitted = problem.measurement.apply(result.reconstruction);
  return normInf(sub(fitted, problem.observation, fitted));
}

/**
 * A mask keeps rows of the last layer; other non-identity operators project onto the generator's
 * range, so their inverter sees every output.
 */
export function inverterFor(highs: Highs | (() => Promise<Highs>), problem: Problem | BatchProblem, norm: LpNorm): LayerwiseInverter {
  const rows = selectedEntries(problem.measurement);
  return new LayerwiseInverter(highs, problem.generator, norm, rows);
}

/**
 * Runs `work` with an inverter and frees everything after it: its models, and the HiGHS runtime
 * itself when HiGHS threw (its state is unknown; the error becomes one line) or its heap grew large.
 */
export async function withInverter<T>(problem: Problem | BatchProblem, norm: LpNorm, work: (inverter: LayerwiseInverter) => Promise<T>): Promise<T> {
  checkModelSize(problem);
  // HiGHS loads only when an LP needs it (the dense kernel answers most of them).
  const inverter = inverterFor(getHighs, problem, norm);
  let failed = false;
  try {
    return await work(inverter);
  } catch (e) {
    if (e instanceof InvError) throw e;
    failed = true;
    // Most LPs never reach HiGHS now (the dense kernel), so only a WebAssembly trap is HiGHS' for sure.
    if (e instanceof WebAssembly.RuntimeError) throw new InvError('ERR_HIGHS', `HiGHS failed: ${oneLine(e)} (the runtime is reloaded for the next solve)`);
    throw new InvError('ERR_SOLVER', `the layer-wise solve failed: ${oneLine(e)} (a bug: please report it; HiGHS is reloaded for the next solve)`);
  } finally {
    try {
      inverter.dispose();
    } catch {
      failed = true;
    }
    await releaseHighs(failed);
  }
}

/**
 * LP entries (rows × (inputs + 1), two or four rows per unit) a layer-wise solve may build, summed
 * over its layers: refused before HiGHS sees them, since a model too big for the 32-bit WebAssembly
 * heap aborts HiGHS (docs/lp-layerwise.md, "Limits").
 */
export const MAX_LP_ENTRIES = 40_000_000;

function checkModelSize(problem: Problem | BatchProblem): void {
  let entries = 0;
  const stages = problem.generator.stages;
  for (const l of stages) {
    const blocks = l.activation.kind === 'leaky_relu' ? 4 : l.activation.kind === 'relu' ? 2 : 0;
    // Convolutional stages reach the LP as dense matrices too (invert.ts), so the count is the same.
    entries += blocks * stageOut(l) * (stageIn(l) + 1);
  }
  if (entries > MAX_LP_ENTRIES) {
    throw new UnsupportedError(`generator: its layer-wise LPs would have ${entries.toExponential(2)} matrix entries, more than the ${MAX_LP_ENTRIES.toExponential(0)} lp-linf/lp-l1 handle (${stages.length} layers)`);
  }
}

/**
 * `infeasible` results, one per observation, when the stage sizes alone rule a layer-wise inversion out
 * (conditions.ts); undefined otherwise. Checked before HiGHS loads or any LP is built.
 */
export function contractedResults(name: string, problem: Problem | BatchProblem): Result[] | undefined {
  const why = contractionFailure(problem);
  if (why === undefined) return undefined;
  const startedAt = now();
  const items = isBatchProblem(problem) ? Array.from({ length: problem.observations.rows }, (_, i) => batchItem(problem, i)) : [problem];
  const k = problem.generator.inputDim;
  return items.map((p) => finishResult(name, p, { status: 'infeasible', message: `${name}: ${why}`, latent: new Float64Array(k), iterations: 0 }, startedAt));
}

export async function solveSingle(name: string, norm: LpNorm, problem: Problem, options: OptionValues, context: SolveContext): Promise<Result> {
  const contracted = contractedResults(name, problem);
  if (contracted) return contracted[0];
  return withInverter(problem, norm, (inverter) => solveWith(inverter, name, problem, options, context));
}

