/** Compressed-sensing problems y = A·G(z*) + ε with a seeded Gaussian A, returned with their truth. */
import { assertFinite, assertLength, createProblem, gaussianVector, noiseVector, Rng, ValueError, type Generator, type LinearOperator, type NoiseKind, type Problem } from '@inv/core';
import { gaussianOperator } from './gaussian.js';

export interface NoiseSpec {
  kind: NoiseKind;
  /** Per-entry std (`gaussian`), l2 norm (`sphere`) or l-inf bound (`box`); see core's noiseVector. */
  level: number;
}

export interface CompressedSensingInput {
  generator: Generator;
  /** Number of Gaussian measurements (ignored when `measurement` is given). */
  m?: number;
  /** Seeds A (when built here), the latent (when not given) and the noise. Default 0. */
  seed?: number;
  /** A number is a per-entry Gaussian std. Default: no noise. */
  noise?: number | NoiseSpec;
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

function noiseSpec(noise: number | NoiseSpec | undefined): NoiseSpec | undefined {
  if (noise === undefined) return undefined;
  const spec = typeof noise === 'number' ? { kind: 'gaussian' as const, level: noise } : noise;
  if (!(Number.isFinite(spec.level) && spec.level >= 0)) throw new ValueError(`noise: expected a finite level >= 0, got ${spec.level}`);
  return spec;
}

/**
 * Measures a given signal: y = A·x + ε with seeded noise. Shared by problems with and without a latent
 * truth. The noise is stated as `noiseLevel` (its level, as the solvers have always read it) and, for
 * `sphere` noise, whose level is ‖ε‖ itself, also as `noiseNorm`, which the verdict prefers (docs/verdict.md).
 */
export function measureSignal(
  measurement: LinearOperator,
  signal: ArrayLike<number>,
  noise: number | NoiseSpec | undefined,
  rng: Rng,
): { observation: Float64Array; noise: Float64Array; noiseLevel?: number; noiseNorm?: number } {
  const spec = noiseSpec(noise);
  const observation = measurement.apply(signal);
  const eps = spec ? noiseVector(rng, measurement.rows, spec.kind, spec.level) : new Float64Array(measurement.rows);
  for (let i = 0; i < observation.length; i++) observation[i] += eps[i];
  return { observation, noise: eps, noiseLevel: spec?.level, noiseNorm: spec?.kind === 'sphere' ? spec.level : undefined };
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
  const measured = measureSignal(measurement, signal, input.noise, noiseRng);
  const problem = createProblem({ generator, measurement, observation: measured.observation, noiseLevel: measured.noiseLevel, noiseNorm: measured.noiseNorm });
  return { problem, truth: { latent, signal, noise: measured.noise } };
}
