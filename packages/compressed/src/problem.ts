/** Compressed-sensing problems y = A·G(z*) + ε with a seeded Gaussian A, returned with their truth. */
import { assertFinite, assertLength, createProblem, gaussianVector, measure, noiseModel, Rng, type Generator, type LinearOperator, type NoiseModel, type Problem } from '@inv/core';
import { gaussianOperator } from './gaussian.js';

export interface CompressedSensingInput {
  generator: Generator;
  /** Number of Gaussian measurements (ignored when `measurement` is given). */
  m?: number;
  /** Seeds A (when built here), the latent (when not given) and the noise. Default 0. */
  seed?: number;
  /** A number is a per-entry Gaussian std (see core's noiseModel). Default: no noise. */
  noise?: number | NoiseModel;
  /** z*; default N(0, I) drawn from the seed. */
  latent?: ArrayLike<number>;
  /** Another operator instead of the m×n Gaussian one. */
  measurement?: LinearOperator;
  onTheFly?: boolean;
}

export interface CompressedSensingTruth {
  latent: Float64Array;
  /** G(z*). */
  signal: Float64Array;
  /** ε, so that y = A·G(z*) + ε. */
  noise: Float64Array;
}

export interface CompressedSensingCase {
  problem: Problem;
  truth: CompressedSensingTruth;
}

/**
 * A problem y = A·G(z*) + ε and its truth. The rngs of A, z* and ε are forked from one seed, so
 * changing the noise does not change A or z*.
 */
export function createCompressedSensingProblem(input: CompressedSensingInput): CompressedSensingCase {
  const { generator } = input;
  const seed = input.seed ?? 0;
  const rng = new Rng(seed);
  const operatorSeed = rng.uint32();
  const latentRng = rng.fork();
  const noiseRng = rng.fork();
  const measurement = input.measurement ?? gaussianOperator(input.m as number, generator.outputDim, operatorSeed, { onTheFly: input.onTheFly });
  let latent: Float64Array;
  if (input.latent === undefined) latent = gaussianVector(latentRng, generator.inputDim);
  else {
    assertLength(input.latent.length, generator.inputDim, 'latent');
    latent = Float64Array.from(input.latent);
    assertFinite(latent, 'latent');
  }
  const signal = generator.forward(latent);
  const noise = input.noise === undefined ? undefined : noiseModel(input.noise);
  const measured = measure(measurement, signal, noise, noiseRng);
  const problem = createProblem({ generator, measurement, observation: measured.observation, noise });
  return { problem, truth: { latent, signal, noise: measured.noise } };
}
