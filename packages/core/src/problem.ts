/** A problem: find z with y ≈ A·G(z), for one observation or a batch of B observations. */
import { assertFinite, ShapeError, ValueError } from './errors.js';
import { Generator, type PlainGenerator } from './generator.js';
import { Matrix } from './linalg.js';
import { noiseModel, noiseStatement, type NoiseModel } from './noise.js';
import { IdentityOperator, operatorFromPlain, operatorToPlain, type LinearOperator, type PlainOperator } from './operators.js';

/** How strictly the fit is judged: allowed = noiseFactor·‖ε‖ + tol·‖y‖. */
export interface VerdictSettings {
  /** Multiple of the stated noise norm ‖ε‖ a fit may reach (the discrepancy principle's τ > 1). */
  noiseFactor: number;
  /** Relative slack for rounding and stopping tolerances; with unknown noise, the whole allowance. */
  tol: number;
}

/**
 * What a problem states about its noise, read by the verdict (docs/verdict.md) and by solvers.
 * Neither field: the noise is unknown and only a near-exact fit counts.
 */
export interface NoiseStatement {
  /**
   * The per-entry noise size: a standard deviation σ or an l-inf bound, as each solver documents
   * (lp-layerwise reads it as the l-inf bound). The verdict takes ‖ε‖ ≈ noiseLevel·√m.
   */
  readonly noiseLevel?: number;
  /** The noise norm ‖ε‖₂ itself; the verdict prefers it to noiseLevel·√m. */
  readonly noiseNorm?: number;
  /** Overrides of the verdict's allowed fit noiseFactor·‖ε‖ + tol·‖y‖. */
  readonly verdict?: Partial<VerdictSettings>;
}

export interface Problem extends NoiseStatement {
  readonly generator: Generator;
  readonly measurement: LinearOperator;
  /** y, length m. */
  readonly observation: Float64Array;
}

export interface BatchProblem extends NoiseStatement {
  readonly generator: Generator;
  readonly measurement: LinearOperator;
  /** B×m: one observation per row (noiseNorm is per row). */
  readonly observations: Matrix;
}

export interface ProblemInput extends NoiseStatement {
  generator: Generator;
  /** Default: the identity (denoising). */
  measurement?: LinearOperator;
  /** A vector of length m, or a B×m matrix for a batch. */
  observation: ArrayLike<number> | Matrix;
  /**
   * The noise model the observation was drawn with (`measure`); the problem states it as noiseLevel
   * (and noiseNorm for `sphere`) through noiseStatement. Not together with noiseLevel or noiseNorm.
   */
  noise?: NoiseModel;
}

function checkNonNegative(value: unknown, field: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new ValueError(`${field}: expected a finite number >= 0, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

/** The noise fields of `input`, checked, without undefined entries (problems stay structured-cloneable). */
function noiseOf(input: NoiseStatement & { noise?: NoiseModel }): NoiseStatement {
  if (input.noise !== undefined) {
    if (input.noiseLevel !== undefined || input.noiseNorm !== undefined) throw new ValueError('noise: give a noise model or noiseLevel/noiseNorm, not both');
    return noiseOf({ ...noiseStatement(noiseModel(input.noise)), verdict: input.verdict });
  }
  checkNonNegative(input.noiseLevel, 'noiseLevel');
  checkNonNegative(input.noiseNorm, 'noiseNorm');
  const out: { noiseLevel?: number; noiseNorm?: number; verdict?: Partial<VerdictSettings> } = {};
  if (input.noiseLevel !== undefined) out.noiseLevel = input.noiseLevel;
  if (input.noiseNorm !== undefined) out.noiseNorm = input.noiseNorm;
  if (input.verdict !== undefined) {
    const { noiseFactor, tol, ...rest } = input.verdict;
    const unknown = Object.keys(rest);
    if (unknown.length) throw new ValueError(`verdict: unknown field '${unknown[0]}' (known: noiseFactor, tol)`);
    checkNonNegative(noiseFactor, 'verdict.noiseFactor');
    checkNonNegative(tol, 'verdict.tol');
    out.verdict = Object.freeze({ ...(noiseFactor !== undefined && { noiseFactor }), ...(tol !== undefined && { tol }) });
  }
  return out;
}

function checkCommon(input: ProblemInput): LinearOperator {
  const measurement = input.measurement ?? new IdentityOperator(input.generator.outputDim);
  if (measurement.cols !== input.generator.outputDim) {
    throw new ShapeError(`measurement: expects signals of length ${measurement.cols}, but the generator outputs ${input.generator.outputDim}`);
  }
  return measurement;
}

/** A single problem; throws if the observation is a matrix, has the wrong length or is not finite. */
export function createProblem(input: ProblemInput): Problem {
  const measurement = checkCommon(input);
  if (input.observation instanceof Matrix) throw new ShapeError('observation: expected a vector, got a matrix (use createBatchProblem)');
  const y = Float64Array.from(input.observation);
  if (y.length !== measurement.rows) throw new ShapeError(`observation: expected length ${measurement.rows} (${measurement.describe()}), got ${y.length}`);
  assertFinite(y, 'observation');
  return Object.freeze({ generator: input.generator, measurement, observation: y, ...noiseOf(input) });
}

/** A batch of B problems sharing generator and measurement; a vector counts as a batch of one. */
export function createBatchProblem(input: ProblemInput): BatchProblem {
  const measurement = checkCommon(input);
  const Y = input.observation instanceof Matrix ? input.observation : new Matrix(1, input.observation.length, Float64Array.from(input.observation));
  if (Y.cols !== measurement.rows) throw new ShapeError(`observation: expected rows of length ${measurement.rows} (${measurement.describe()}), got ${Y.cols}`);
  if (Y.rows === 0) throw new ShapeError('observation: the batch is empty');
  assertFinite(Y.data, 'observation');
  return Object.freeze({ generator: input.generator, measurement, observations: Y, ...noiseOf(input) });
}

/** Problem i of a batch (the observation is a view, not a copy). */
export function batchItem(batch: BatchProblem, i: number): Problem {
  return { generator: batch.generator, measurement: batch.measurement, observation: batch.observations.row(i), ...noiseOf(batch) };
}

export function isBatchProblem(p: Problem | BatchProblem): p is BatchProblem {
  return (p as BatchProblem).observations !== undefined;
}

/** A structured-cloneable batch (for worker threads). */
export interface PlainBatchProblem extends NoiseStatement {
  generator: PlainGenerator;
  measurement: PlainOperator;
  observations: { rows: number; cols: number; data: Float64Array };
}

/** Rows [from, to) of a batch in plain form. */
export function batchToPlain(batch: BatchProblem, from = 0, to = batch.observations.rows): PlainBatchProblem {
  const Y = batch.observations;
  return {
    generator: batch.generator.toPlain(),
    measurement: operatorToPlain(batch.measurement),
    observations: { rows: to - from, cols: Y.cols, data: Y.data.slice(from * Y.cols, to * Y.cols) },
    ...noiseOf(batch),
  };
}

export function batchFromPlain(p: PlainBatchProblem): BatchProblem {
  return createBatchProblem({
    generator: Generator.fromPlain(p.generator),
    measurement: operatorFromPlain(p.measurement),
    observation: new Matrix(p.observations.rows, p.observations.cols, p.observations.data),
    ...noiseOf(p),
  });
}
