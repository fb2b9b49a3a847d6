/**
 * What PLUGIn precomputes once per generator and measurement: the network it iterates on, the fixed
 * matrix M = Φ·W_d⋯W_1 and the gain γ̂ that sets the default step. Cached in WeakMaps, so a plan lives
 * as long as its generator and measurement do.
 */
import {
  Generator, denseLayer, invertActivation, linear, selectedEntries, type Activation, type LinearOperator, type Matrix,
} from '@inv/core';
import { measureGain } from './step.js';

export interface Plan {
  /** The network PLUGIn runs on: the generator, or the generator with its last sigmoid/tanh made linear. */
  readonly inner: Generator;
  readonly measurement: LinearOperator;
  /** M = Φ·W_d⋯W_1 (m×k). */
  readonly product: Matrix;
  /** γ̂ ≈ ⟨Mu, Φ·J_G(u)·u⟩/‖u‖², averaged over seeded probes (2^{-d} for Gaussian ReLU nets). */
  readonly gain: number;
  /** True when observations are mapped through σ_d⁻¹ and the last layer is treated as linear. */
  readonly outputInverted: boolean;
  readonly outputActivation: Activation;
}


const cache = new WeakMap<Generator, WeakMap<LinearOperator, Plan>>();

export function planFor(generator: Generator, measurement: LinearOperator): Plan {
  let byMeasurement = cache.get(generator);
  if (!byMeasurement) cache.set(generator, (byMeasurement = new WeakMap()));
  let plan = byMeasurement.get(measurement);
  if (!plan) byMeasurement.set(measurement, (plan = buildPlan(generator, measurement)));
  return plan;
}

function buildPlan(generator: Generator, measurement: LinearOperator): Plan {
  const last = generator.layers[generator.depth - 1];
  const kind = last.activation.kind;
  // Only a measurement that picks entries of G(z) commutes with an elementwise σ_d.
  const selecting = measurement.kind === 'identity' || selectedEntries(measurement) !== undefined;
  const outputInverted = (kind === 'sigmoid' || kind === 'tanh') && selecting;
  const inner = outputInverted
    ? new Generator([...generator.layers.slice(0, -1), denseLayer(last.weight, last.bias, linear, `layer ${generator.depth - 1}`)])
    : generator;
  const product = measurement.applyMatrix(generator.weightProduct());
  return {
    inner,
    measurement,
    product,
    gain: measureGain(inner, measurement, product),
    outputInverted,
    outputActivation: last.activation,
  };
}

/** The target PLUGIn fits Φ·G_inner(z) to: y itself, or σ_d⁻¹(y) (clipped) when the output is inverted. */
export function targetOf(plan: Plan, observation: ArrayLike<number>, clip: number): Float64Array {
  return plan.outputInverted ? invertActivation(plan.outputActivation, observation, clip) : Float64Array.from(observation);
}

