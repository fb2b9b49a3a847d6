/** PLUGIn's options: the schema the registry validates against, and a typed view of resolved values. */
import { defineOptions, OptionError, optionsOf, workersOption, type OptionsOf, type OptionValues } from '@inv/core';

export const INIT_KINDS = ['zero', 'random', 'given'] as const;
export type InitKind = (typeof INIT_KINDS)[number];

export const INVERT_OUTPUT = ['auto', 'always', 'never'] as const;
export type InvertOutput = (typeof INVERT_OUTPUT)[number];

/** θ of the default step η = θ/γ̂ (see ./step.ts): 1/2 converged on every shape we tried, 3/4 did not. */
export const DEFAULT_THETA = 0.5;

/** Below core's TF_BATCH_MIN observations a batch is solved item by item in float64 (tfjs pays off from there). */
export { TF_BATCH_MIN } from '@inv/core';

/**
 * Batches of at least this many go to worker threads (in Node): below it, thread start-up and
 * WebAssembly warm-up in a new thread cost more than the second core saves.
 */
export const WORKER_BATCH_MIN = 128;

export const pluginOptionSchema = defineOptions({
  step: {
    type: 'number',
    exclusiveMin: 0,
    description: 'step size η; default θ/γ̂ where γ̂ is the measured gain of the PLUGIn map (= θ·2^d on Gaussian ReLU nets)',
  },
  theta: { type: 'number', default: DEFAULT_THETA, exclusiveMin: 0, description: 'scale θ of the default step rule (ignored when step is given)' },
  maxIterations: { type: 'integer', default: 10000, min: 1, description: 'iteration limit' },
  tol: { type: 'number', default: 1e-13, min: 0, description: 'stop when ‖z⁺ − z‖ ≤ tol·‖z‖ (the paper uses 1e-13)' },
  batchTol: {
    type: 'number',
    default: 1e-5,
    min: 0,
    description: 'floor on tol for tfjs batches, which run in float32 and cannot resolve smaller relative steps',
  },
  init: { type: 'enum', values: INIT_KINDS, default: 'zero', description: 'starting latent: zero, seeded N(0, I), or initialLatent' },
  seed: { type: 'integer', default: 0, min: 0, description: 'seed for init=random (batch item i uses seed + i)' },
  initialLatent: { type: 'vector', length: 'latent', description: 'starting latent for init=given (length k)' },
  safeguard: {
    type: 'boolean',
    default: true,
    description: 'halve the step and return to the best iterate when the residual more than doubles',
  },
  invertOutput: {
    type: 'enum',
    values: INVERT_OUTPUT,
    default: 'auto',
    description: 'fit σ⁻¹(y) with a linear last layer for a sigmoid/tanh output (identity or mask only): auto = when y has no stated noise and lies strictly inside the range (decided once for a whole batch); always; never',
  },
  clip: {
    type: 'number',
    default: 1e-6,
    min: 0,
    max: 0.5,
    description: 'sigmoid/tanh outputs are clipped this far inside their range before being inverted',
  },
  history: { type: 'boolean', default: false, description: 'record the residual at every iteration' },
  workers: workersOption(WORKER_BATCH_MIN),
});

/** The resolved options, typed from the schema. */
export type PluginOptions = OptionsOf<typeof pluginOptionSchema>;

const who = "solver 'plugin' option";

/** Typed options from values already checked by `resolveOptions`; adds the cross-field checks. */
export function pluginOptions(values: OptionValues): PluginOptions {
  const o = optionsOf(pluginOptionSchema, values);
  if (o.init === 'given' && o.initialLatent === undefined) throw new OptionError(`${who} 'initialLatent': required when init is 'given'`);
  if (o.init !== 'given' && o.initialLatent !== undefined) {
    throw new OptionError(`${who} 'initialLatent': only used with init 'given', but init is '${o.init}'`);
  }
  return o;
}
