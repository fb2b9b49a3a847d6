/** Seeded instances shared by the tests: Gaussian nets with the papers' N(0, 1/n_i) weights and z* on the unit sphere. */
import { createProblem, Generator, gaussianVector, Matrix, MatrixOperator, Rng, sphereVector, type LinearOperator, type Problem } from '@inv/core';

export interface Instance {
  problem: Problem;
  truth: Float64Array;
}

export function instance(widths: number[], seed: number, measurement?: (n: number) => LinearOperator): Instance {
  const generator = Generator.random(widths, { seed });
  const truth = sphereVector(new Rng(1000 + seed), widths[0]);
  const A = measurement?.(generator.outputDim);
  const x = generator.forward(truth);
  return { problem: createProblem({ generator, measurement: A, observation: A ? A.apply(x) : x }), truth };
}

/** An m×n matrix with i.i.d. N(0, 1/m) entries (compressed sensing). */
export function gaussianMeasurement(m: number, seed: number): (n: number) => LinearOperator {
  return (n) => new MatrixOperator(new Matrix(m, n, gaussianVector(new Rng(2000 + seed), m * n, 1 / Math.sqrt(m))));
}
