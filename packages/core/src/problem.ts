/** A problem: find z with y ≈ A·G(z), for one observation or a batch of B observations. */
import { assertFinite, ShapeError, ValueError } from './errors.js';
import { Generator, type PlainGenerator } from './generator.js';
import { Matrix } from './linalg.js';
import { IdentityOperator, operatorFromPlain, operatorToPlain, type LinearOperator, type PlainOperator } from './operators.js';

export interface Problem {
  readonly generator: Generator;
  readonly measurement: LinearOperator;
  /** y, length m. */
  readonly observation: Float64Array;
  /** The noise size if known: per-entry l-inf bound or standard deviation, as the solver documents. */
  readonly noiseLevel?: number;
}

export interface BatchProblem {
  readonly generator: Generator;
  readonly measurement: LinearOperator;
  /** B×m: one observation per row. */
  readonly observations: Matrix;
  readonly noiseLevel?: number;
}

export interface ProblemInput {
  generator: Generator;
  /** Default: the identity (denoising). */
  measurement?: LinearOperator;
  /** A vector of length m, or a B×m matrix for a batch. */
  observation: ArrayLike<number> | Matrix;
  noiseLevel?: number;
}

function checkCommon(input: ProblemInput): LinearOperator {
  const measurement = input.measurement ?? new IdentityOperator(input.generator.outputDim);
  if (measurement.cols !== input.generator.outputDim) {
    throw new ShapeError(`measurement: expects signals of length ${measurement.cols}, but the generator outputs ${input.generator.outputDim}`);
  }
  if (input.noiseLevel !== undefined && !(Number.isFinite(input.noiseLevel) && input.noiseLevel >= 0)) {
    throw new ValueError(`noiseLevel: expected a finite number >= 0, got ${input.noiseLevel}`);
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
  return Object.freeze({ generator: input.generator, measurement, observation: y, noiseLevel: input.noiseLevel });
}

/** A batch of B problems sharing generator and measurement; a vector counts as a batch of one. */
export function createBatchProblem(input: ProblemInput): BatchProblem {
  const measurement = checkCommon(input);
  const Y = input.observation instanceof Matrix ? input.observation : new Matrix(1, input.observation.length, Float64Array.from(input.observation));
  if (Y.cols !== measurement.rows) throw new ShapeError(`observation: expected rows of length ${measurement.rows} (${measurement.describe()}), got ${Y.cols}`);
  if (Y.rows === 0) throw new ShapeError('observation: the batch is empty');
  assertFinite(Y.data, 'observation');
  return Object.freeze({ generator: input.generator, measurement, observations: Y, noiseLevel: input.noiseLevel });
}

/** Problem i of a batch (the observation is a view, not a copy). */
export function batchItem(batch: BatchProblem, i: number): Problem {
  return { generator: batch.generator, measurement: batch.measurement, observation: batch.observations.row(i), noiseLevel: batch.noiseLevel };
}

export function isBatchProblem(p: Problem | BatchProblem): p is BatchProblem {
  return (p as BatchProblem).observations !== undefined;
}

/** A structured-cloneable batch (for worker threads). */
export interface PlainBatchProblem {
  generator: PlainGenerator;
  measurement: PlainOperator;
  observations: { rows: number; cols: number; data: Float64Array };
  noiseLevel?: number;
}

/** Rows [from, to) of a batch in plain form. */
export function batchToPlain(batch: BatchProblem, from = 0, to = batch.observations.rows): PlainBatchProblem {
  const Y = batch.observations;
  return {
    generator: batch.generator.toPlain(),
    measurement: operatorToPlain(batch.measurement),
    observations: { rows: to - from, cols: Y.cols, data: Y.data.slice(from * Y.cols, to * Y.cols) },
    noiseLevel: batch.noiseLevel,
  };
}

export function batchFromPlain(p: PlainBatchProblem): BatchProblem {
  return createBatchProblem({
    generator: Generator.fromPlain(p.generator),
    measurement: operatorFromPlain(p.measurement),
    observation: new Matrix(p.observations.rows, p.observations.cols, p.observations.data),
    noiseLevel: p.noiseLevel,
  });
}
