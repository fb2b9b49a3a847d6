/** Seeded test instances in the paper's setting: Gaussian weights N(0, 1/n_i), x* uniform on the unit sphere. */
import { createProblem, Generator, Rng, sphereVector, type LinearOperator, type Problem, type RandomGeneratorOptions } from '@inv/core';

export interface Instance {
  generator: Generator;
  truth: Float64Array;
  /** The noise-free observation A·G(x*). */
  clean: Float64Array;
  problem: Problem;
}

/** y = A·G(x*) + ε with ε uniform on the sphere of radius `noise` (experiment 2/3 of the paper). */
export function instance(
  widths: number[],
  seed: number,
  opts: { noise?: number; measurement?: (n: number, rng: Rng) => LinearOperator; net?: RandomGeneratorOptions; generator?: Generator } = {},
): Instance {
  const generator = opts.generator ?? Generator.random(widths, { seed, ...opts.net });
  const rng = new Rng(1000 + seed);
  const truth = sphereVector(rng, widths[0]);
  const measurement = opts.measurement?.(generator.outputDim, rng);
  const signal = generator.forward(truth);
  const clean = measurement ? measurement.apply(signal) : signal;
  const y = Float64Array.from(clean);
  if (opts.noise) sphereVector(rng, y.length, opts.noise).forEach((e, i) => (y[i] += e));
  // The problem states ‖ε‖, so that the verdict (docs/verdict.md) judges the fit against it.
  return { generator, truth, clean, problem: createProblem({ generator, measurement, observation: y, noiseNorm: opts.noise || undefined }) };
}

export { median } from '@inv/core';
