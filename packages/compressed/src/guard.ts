/**
 * The measurement-count condition of PLUGIn-CS (docs/algorithms.md, "PLUGIn"): with a Gaussian A, recovery is
 * guaranteed once m ≳ 2^d·n_0 (up to constants and logs), d the depth and n_0 the latent dimension.
 */
import { assertInteger, type Generator, type LinearOperator, type Problem, type Result } from '@inv/core';

/** 2^d·n_0 for a generator. */
export function measurementThreshold(generator: Generator): number {
  return 2 ** generator.depth * generator.inputDim;
}

/** A one-line warning when m is below 2^d·n_0, else undefined. */
export function measurementGuard(generator: Generator, m: number): string | undefined {
  assertInteger(m, 'm (number of measurements)', 1);
  const need = measurementThreshold(generator);
  if (m >= need) return undefined;
  return `m = ${m} measurements is below 2^d·n_0 = 2^${generator.depth}·${generator.inputDim} = ${need}, the PLUGIn-CS condition; recovery is not guaranteed`;
}

/** The guard for a problem's measurement; only compressive operators (m < n) are checked. */
export function problemGuard(problem: { generator: Generator; measurement: LinearOperator }): string | undefined {
  const { generator, measurement } = problem;
  if (measurement.kind === 'identity' || measurement.rows >= generator.outputDim) return undefined;
  return measurementGuard(generator, measurement.rows);
}

/** The result with the guard's warning appended to its message (unchanged when m is large enough). */
export function withMeasurementGuard(result: Result, problem: Problem): Result {
  const warning = problemGuard(problem);
  return warning ? { ...result, message: `${result.message}; warning: ${warning}` } : result;
}
