/**
 * What PLUGIn precomputes once per generator and measurement: the network it iterates on, the fixed
 * matrix M = Φ·W_d⋯W_1 and the gain γ̂ that sets the default step. Cached in WeakMaps, so a plan lives
 * as long as its generator and measurement do.
 */
import {
  Generator, denseLayer, invertActivation, isDense, linear, mapLayer, matTvec, matvec, selectedEntries, type Activation, type LinearOperator, type Matrix,
  type Stage,
} from '@inv/core';
import type { InvertOutput } from './options.js';
import { measureGain } from './step.js';

export interface Plan {
  /** The network PLUGIn runs on: the generator, or the generator with its last sigmoid/tanh made linear. */
  readonly inner: Generator;
  readonly measurement: LinearOperator;
  /** M = Φ·W_d⋯W_1 (m×k), materialised for dense generators only. */
  readonly product?: Matrix;
  /** M u. */
  surrogate(u: ArrayLike<number>): Float64Array;
  /** Mᵀ r: for convolutional generators a composition of adjoints, W_1ᵀ⋯W_dᵀ·Φᵀ r. */
  surrogateT(r: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** γ̂ ≈ ⟨Mu, Φ·J_G(u)·u⟩/‖u‖², averaged over seeded probes (2^{-d} for Gaussian ReLU nets). */
  readonly gain: number;
  /** True when observations are mapped through σ_d⁻¹ and the last layer is treated as linear. */
  readonly outputInverted: boolean;
  readonly outputActivation: Activation;
}

const cache = new WeakMap<Generator, WeakMap<LinearOperator, { inverted?: Plan; direct?: Plan }>>();

/** The plan for a generator and measurement; `invert` asks for the σ_d⁻¹ variant (see `invertsOutput`). */
export function planFor(generator: Generator, measurement: LinearOperator, invert = false): Plan {
  let byMeasurement = cache.get(generator);
  if (!byMeasurement) cache.set(generator, (byMeasurement = new WeakMap()));
  let plans = byMeasurement.get(measurement);
  if (!plans) byMeasurement.set(measurement, (plans = {}));
  const variant = invert && canInvert(generator, measurement) ? 'inverted' : 'direct';
  return (plans[variant] ??= buildPlan(generator, measurement, variant === 'inverted'));
}

/** A sigmoid/tanh last layer behind a measurement that picks entries of G(z) (which commutes with σ_d). */
function canInvert(generator: Generator, measurement: LinearOperator): boolean {
  const kind = generator.stages[generator.depth - 1].activation.kind;
  const selecting = measurement.kind === 'identity' || selectedEntries(measurement) !== undefined;
  return (kind === 'sigmoid' || kind === 'tanh') && selecting;
}

/**
 * Whether to fit σ_d⁻¹(y) with a linear last layer. 'auto' does so only when y could be an output of
 * G: no stated noise and every value strictly inside σ_d's range. Otherwise σ⁻¹ of clipped, noisy values
 * near the bounds swamps the fit: on 8 held-out digits with noise 0.1, the 20-60-784 decoder gave
 * 10–14 dB inverted against 16–24 dB on G itself (gd: 17–26 dB).
 */
export function invertsOutput(
  generator: Generator,
  measurement: LinearOperator,
  observations: readonly ArrayLike<number>[],
  noiseLevel: number | undefined,
  mode: InvertOutput,
): boolean {
  if (mode === 'never' || !canInvert(generator, measurement)) return false;
  if (mode === 'always') return true;
  if (noiseLevel !== undefined && noiseLevel > 0) return false;
  const low = generator.stages[generator.depth - 1].activation.kind === 'tanh' ? -1 : 0;
  return observations.every((y) => {
    for (let i = 0; i < y.length; i++) if (!(y[i] > low && y[i] < 1)) return false;
    return true;
  });
}

function buildPlan(generator: Generator, measurement: LinearOperator, outputInverted: boolean): Plan {
  const last = generator.stages[generator.depth - 1];
  const inner = outputInverted ? new Generator([...generator.stages.slice(0, -1), linearStage(last, generator.depth - 1)]) : generator;
  const base = { inner, measurement, outputInverted, outputActivation: last.activation };
  if (generator.isDense) {
    const product = measurement.applyMatrix(generator.weightProduct());
    const surrogate = (u: ArrayLike<number>) => matvec(product, u);
    const surrogateT = (r: ArrayLike<number>, out?: Float64Array) => matTvec(product, r, out);
    return { ...base, product, surrogate, surrogateT, gain: measureGain(inner, measurement, surrogate, surrogateT) };
  }
  // Conv kernels share weights: Φ·W_d⋯W_1 is applied stage by stage and never formed.
  const surrogate = (u: ArrayLike<number>) => measurement.apply(generator.linearForward(u));
  const surrogateT = (r: ArrayLike<number>, out?: Float64Array) => {
    const g = generator.linearAdjoint(measurement.adjoint(r));
    if (!out) return g;
    out.set(g);
    return out;
  };
  return { ...base, surrogate, surrogateT, gain: measureGain(inner, measurement, surrogate, surrogateT) };
}

/** The last stage with its activation made linear (σ_d⁻¹ is applied to the observations instead). */
function linearStage(last: Stage, index: number): Stage {
  return isDense(last) ? denseLayer(last.weight, last.bias, linear, `layer ${index}`, last.outShape) : mapLayer(last.map, last.bias, linear, `layer ${index}`);
}

/** The target PLUGIn fits Φ·G_inner(z) to: y itself, or σ_d⁻¹(y) (clipped) when the output is inverted. */
export function targetOf(plan: Plan, observation: ArrayLike<number>, clip: number): Float64Array {
  return plan.outputInverted ? invertActivation(plan.outputActivation, observation, clip) : Float64Array.from(observation);
}

