/**
 * Noise models: the seeded ε of y = A·x + ε, and what a problem built with one states about its noise
 * (docs/verdict.md). As in deepinv's physics with a noise model, the operator measures and the model
 * perturbs and says how large the perturbation is, so every caller draws and states noise the same way.
 */
import { ValueError } from './errors.js';
import type { LinearOperator } from './operators.js';
import { noiseVector, type NoiseKind, type Rng } from './random.js';

export const NOISE_KINDS: readonly NoiseKind[] = ['gaussian', 'sphere', 'box'];

export interface NoiseModel {
  readonly kind: NoiseKind;
  /** Per-entry standard deviation (`gaussian`), l2 norm (`sphere`) or l-inf bound (`box`); see noiseVector. */
  readonly level: number;
}

/** A checked noise model; a number is a per-entry Gaussian standard deviation. `field` names the source in errors. */
export function noiseModel(noise: number | NoiseModel, field = 'noise'): NoiseModel {
  const model = typeof noise === 'number' ? { kind: 'gaussian' as const, level: noise } : noise;
  if (!NOISE_KINDS.includes(model.kind)) throw new ValueError(`${field}: expected kind ${NOISE_KINDS.join(', ')}, got ${JSON.stringify(model.kind)}`);
  if (!(typeof model.level === 'number' && Number.isFinite(model.level) && model.level >= 0)) {
    throw new ValueError(`${field}: expected a finite number >= 0, got ${String(model.level)}`);
  }
  return Object.freeze({ kind: model.kind, level: model.level });
}

/**
 * What a problem states about noise of this model: `noiseLevel` is the level for every kind (as the
 * solvers read it: σ, or the l-inf bound for lp-layerwise), and a `sphere` model, whose level is ‖ε‖
 * itself, also states `noiseNorm`, which the verdict prefers to noiseLevel·√m.
 */
export function noiseStatement(model: NoiseModel | undefined): { noiseLevel?: number; noiseNorm?: number } {
  if (model === undefined) return {};
  return model.kind === 'sphere' ? { noiseLevel: model.level, noiseNorm: model.level } : { noiseLevel: model.level };
}

/** m entries of ε drawn from `rng`. */
export function sampleNoise(model: NoiseModel, rng: Rng, m: number): Float64Array {
  return noiseVector(rng, m, model.kind, model.level);
}

export interface Measured {
  /** y = A·x + ε. */
  observation: Float64Array;
  /** ε (zeros without a noise model). */
  noise: Float64Array;
}

/**
 * y = A·x + ε with ε drawn from `rng` (nothing is drawn without a model, so a noiseless measurement
 * leaves the stream as it was for the caller's next draw).
 */
export function measure(operator: LinearOperator, signal: ArrayLike<number>, noise: NoiseModel | undefined, rng: Rng): Measured {
  const observation = operator.apply(signal);
  const eps = noise ? sampleNoise(noise, rng, operator.rows) : new Float64Array(operator.rows);
  for (let i = 0; i < observation.length; i++) observation[i] += eps[i];
  return { observation, noise: eps };
}
