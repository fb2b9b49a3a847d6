/**
 * Turns the page's choices into a solvable problem: the truth, the measurement, the noisy observation
 * and a picture of what was observed. Pure and DOM-free, so the worker runs it and Node tests check it.
 */
import {
  Generator,
  IdentityOperator,
  MaskOperator,
  Rng,
  ShapeError,
  ValueError,
  createProblem,
  gaussianVector,
  measure,
  noiseModel,
  psnr,
  relativeError,
  type LinearOperator,
  type Problem,
  type Result,
} from '@inv/core';
import { gaussianOperator, randomIndices } from '@inv/compressed';
import type { ExperimentSpec, ResultRow, SweepParameter, TaskSpec } from './protocol.js';

export interface Experiment {
  problem: Problem;
  /** x, the signal to recover. */
  truth: Float64Array;
  /** z* when the signal is G(z*). */
  truthLatent?: Float64Array;
  /** The observation drawn over the signal's pixels; NaN marks a pixel that was not observed. */
  observed: Float64Array;
  observedLabel: string;
  /** The PSNR peak: 1 for images in [0, 1], the largest |x_i| for a random net's output. */
  peak: number;
  /** The values drawn black and white: [0, 1] for images, the truth's own range for a random net. */
  range: [number, number];
  /** The range for the observed tile (a back-projection Aᵀy has its own scale). */
  observedRange: [number, number];
  description: string;
}

/** The [min, max] of the finite entries, widened to a non-empty interval. */
export function rangeOf(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (!(hi > lo)) return [Number.isFinite(lo) ? lo - 0.5 : 0, Number.isFinite(hi) ? hi + 0.5 : 1];
  return [lo, hi];
}

/** Widths of a random Gaussian net are kept small enough for a browser tab. */
export const MAX_WIDTH = 2000;
export const MAX_LAYERS = 6;

/** Parses `20-250-784` (or commas/spaces) into widths [k, n_1, …, n_d]. */
export function parseWidths(text: string): number[] {
  const parts = text.trim().split(/[\s,x×-]+/).filter(Boolean);
  const widths = parts.map(Number);
  if (widths.length < 2 || widths.length > MAX_LAYERS + 1 || !widths.every((w) => Number.isInteger(w) && w >= 1 && w <= MAX_WIDTH)) {
    throw new ValueError(`widths: expected 2 to ${MAX_LAYERS + 1} integers in [1, ${MAX_WIDTH}] such as 20-250-784, got '${text}'`);
  }
  return widths;
}

/** The seeded random net with the papers' N(0, 1/n_i) weights. */
export function gaussianGenerator(widths: readonly number[], seed: number): Generator {
  return Generator.random(widths, { seed });
}

/** Positions of a seeded random subset of ⌈fraction·n⌉ of n outputs, increasing. */
export function randomMaskIndices(n: number, fraction: number, seed: number): number[] {
  if (!(fraction > 0 && fraction <= 1)) throw new ValueError(`observed fraction: expected a number in (0, 1], got ${fraction}`);
  const count = Math.round(fraction * n);
  if (count === 0) throw new ValueError(`observed fraction: ${fraction} of ${n} outputs observes no pixel; raise it to at least ${(1 / n).toPrecision(2)}`);
  // compressed's partial Fisher–Yates draw: the first `count` of a seeded shuffle, sorted.
  return Array.from(randomIndices(count, n, seed));
}

function measurementFor(task: TaskSpec, n: number): LinearOperator {
  switch (task.kind) {
    case 'denoise':
      return new IdentityOperator(n);
    case 'inpaint-random':
      return new MaskOperator(n, randomMaskIndices(n, task.fraction, task.seed));
    case 'inpaint-mask':
      if (task.mask.length !== n) throw new ShapeError(`painted mask: has ${task.mask.length} pixels, the generator outputs ${n}`);
      return MaskOperator.fromMask(task.mask, 'painted mask');
    case 'cs':
      if (!Number.isInteger(task.m) || task.m < 1) throw new ValueError(`measurements m: expected an integer >= 1, got ${task.m}`);
      if (task.m > 4 * n) throw new ValueError(`measurements m: expected at most 4n = ${4 * n} for a ${n}-pixel signal, got ${task.m}`);
      return gaussianOperator(task.m, n, task.seed);
  }
}

/** What the observation looks like over the signal's pixels, for the "observed" tile. */
function observedPicture(A: LinearOperator, y: Float64Array, noise: number): { observed: Float64Array; label: string } {
  if (A instanceof MaskOperator) {
    const observed = new Float64Array(A.cols).fill(NaN);
    A.indices.forEach((p, i) => (observed[p] = y[i]));
    return { observed, label: `observed ${A.rows}/${A.cols} pixels` };
  }
  if (A instanceof IdentityOperator) return { observed: y, label: noise > 0 ? 'observed (noisy)' : 'observed' };
  return { observed: A.adjoint(y), label: `Aᵀy (${A.rows} measurements)` };
}

export function buildExperiment(generator: Generator, spec: ExperimentSpec): Experiment {
  const noise = noiseModel(spec.noise, 'noise level');
  const n = generator.outputDim;
  let truth: Float64Array;
  let truthLatent: Float64Array | undefined;
  let peak = 1;
  let range: [number, number] = [0, 1];
  if (spec.signal.kind === 'image') {
    if (spec.signal.pixels.length !== n) {
      throw new ShapeError(`digit: has ${spec.signal.pixels.length} pixels but the generator outputs ${n}; use widths ending in ${spec.signal.pixels.length} or a random latent`);
    }
    truth = Float64Array.from(spec.signal.pixels);
  } else {
    truthLatent = gaussianVector(new Rng(spec.signal.seed), generator.inputDim);
    truth = generator.forward(truthLatent);
    peak = truth.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    range = rangeOf(truth);
  }
  const measurement = measurementFor(spec.task, n);
  const y = measure(measurement, truth, noise, new Rng(spec.noiseSeed)).observation;
  const problem = createProblem({ generator, measurement, observation: y, noise });
  const { observed, label } = observedPicture(measurement, y, spec.noise);
  const signal = spec.signal.kind === 'image' ? spec.signal.label : `G(z*), z* ~ N(0, I) seed ${spec.signal.seed}`;
  return {
    problem,
    truth,
    truthLatent,
    observed,
    observedLabel: label,
    peak,
    range,
    observedRange: measurement instanceof IdentityOperator || measurement instanceof MaskOperator ? range : rangeOf(observed),
    description: `${generator.describe()}; ${measurement.describe()}; noise σ = ${spec.noise}; signal: ${signal}`,
  };
}

/** Scores a solver's result against the truth. */
export function scoreResult(experiment: Experiment, result: Result): ResultRow {
  return {
    solver: result.solver,
    status: result.status,
    success: result.success,
    fit: { residual: result.fit.residual, allowed: result.fit.allowed, ok: result.fit.ok },
    message: result.message,
    relativeError: relativeError(result.reconstruction, experiment.truth),
    latentError: experiment.truthLatent && relativeError(result.latent, experiment.truthLatent),
    psnr: psnr(result.reconstruction, experiment.truth, experiment.peak),
    iterations: result.iterations,
    timeMs: result.timeMs,
    reconstruction: result.reconstruction,
    history: result.history,
  };
}

/** Which parameters a task can sweep: the noise always, m for compressed sensing, the fraction for random inpainting. */
export function sweepParameters(task: TaskSpec): SweepParameter[] {
  if (task.kind === 'cs') return ['noise', 'm'];
  if (task.kind === 'inpaint-random') return ['noise', 'fraction'];
  return ['noise'];
}

/** The experiment with one parameter replaced by a sweep value. */
export function withParameter(spec: ExperimentSpec, parameter: SweepParameter, value: number): ExperimentSpec {
  if (!sweepParameters(spec.task).includes(parameter)) {
    throw new ValueError(`sweep: '${parameter}' cannot be swept for this task (choose one of ${sweepParameters(spec.task).join(', ')})`);
  }
  if (parameter === 'noise') return { ...spec, noise: value };
  if (parameter === 'm' && spec.task.kind === 'cs') return { ...spec, task: { ...spec.task, m: value } };
  if (parameter === 'fraction' && spec.task.kind === 'inpaint-random') return { ...spec, task: { ...spec.task, fraction: value } };
  throw new ValueError(`sweep: unknown parameter '${parameter}'`);
}

/** Parses a sweep's list of values ("0, 0.05, 0.1"): at least two finite numbers. */
export function parseSweepValues(text: string, parameter: SweepParameter): number[] {
  const values = text.split(/[\s,;]+/).filter(Boolean).map(Number);
  if (values.length < 2 || !values.every(Number.isFinite)) {
    throw new ValueError(`sweep values: expected at least two numbers separated by commas, got '${text}'`);
  }
  return values.sort((a, b) => a - b).map((v) => (parameter === 'm' ? Math.round(v) : v));
}
