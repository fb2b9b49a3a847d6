/**
 * Options of the `gd` solver and the presets that fill the ones a caller leaves out. Preset-controlled
 * options have no schema default, so that an explicit value can be told apart from a preset one.
 */
import { defineOptions, OptionError, optionsOf, workersOption, type OptionValues } from '@inv/core';

export type Optimizer = 'gd' | 'adam';
export type InitKind = 'zero' | 'random' | 'given';
export type PresetName = 'default' | 'csgm';

export const PRESETS: readonly PresetName[] = ['default', 'csgm'];

/** Batches with at least core's TF_BATCH_MIN descents (observations × restarts) run on tfjs-wasm. */
export { TF_BATCH_MIN } from '@inv/core';

/** Batches of at least this many observations go to worker threads in Node (thread start-up and warm-up cost ~0.5 s). */
export const WORKER_BATCH_MIN = 64;

export const gdOptionSchema = defineOptions({
  preset: {
    type: 'enum',
    values: PRESETS,
    default: 'default',
    description: 'default: gradient descent with an automatic step and the negation check; csgm: Adam lr 0.01, 1000 steps, 10 restarts (Bora et al. 2017)',
  },
  optimizer: { type: 'enum', values: ['gd', 'adam'], description: 'gd (gradient descent) or adam (default: from the preset)' },
  step: { type: 'number', exclusiveMin: 0, description: 'fixed gradient-descent step; omitted: automatic (Gauss-Newton step at the start, grown on a decrease, halved on a rejected move)' },
  learningRate: { type: 'number', exclusiveMin: 0, description: 'Adam learning rate (default: 0.01)' },
  maxIterations: { type: 'integer', min: 1, description: 'iterations per restart (default: 5000; csgm 1000)' },
  tol: { type: 'number', min: 0, description: 'stop when an accepted move is shorter than tol·‖z‖ (default: 1e-10; csgm 0, i.e. run every step)' },
  restarts: { type: 'integer', min: 1, description: 'random restarts; the one with the lowest objective is kept (default: 1; csgm 10)' },
  retries: {
    type: 'integer',
    min: 0,
    description: 'further random starts, one at a time, while the best descent stopped by its own rule at a point that does not fit (a dead start: G(z) = 0 or a vanishing gradient) (default: 4; csgm 0)',
  },
  polishSteps: {
    type: 'integer',
    min: 0,
    description: 'Gauss–Newton steps on the best latent of an observation that has not converged to a fit, each kept only if it lowers the residual; λ = 0 only (default: 10; csgm 0)',
  },
  seed: { type: 'integer', min: 0, description: 'seed of the random initial points (default: 0)' },
  lambda: { type: 'number', min: 0, description: 'weight of the prior term λ‖z‖² (default: 0)' },
  negationCheck: { type: 'boolean', description: 'at each iterate move to −z when f(−z) < f(z) (Huang et al.; default: on; csgm off)' },
  init: { type: 'enum', values: ['zero', 'random', 'given'], description: 'first restart starts at 0, at z ~ N(0, I), or at initialLatent (default: random, or given when initialLatent is set)' },
  initialLatent: { type: 'vector', length: 'latent', description: 'the starting latent for init=given' },
  history: { type: 'boolean', default: false, description: 'record residual and objective at every accepted iterate' },
  workers: workersOption(WORKER_BATCH_MIN),
});

/** The options after the preset has filled every gap. */
export interface GdSettings {
  preset: PresetName;
  optimizer: Optimizer;
  /** Fixed GD step, or undefined for the automatic rule. */
  step?: number;
  learningRate: number;
  maxIterations: number;
  tol: number;
  restarts: number;
  /** Extra starts for an observation whose best descent stopped without fitting (docs/verdict.md). */
  retries: number;
  /** Gauss–Newton steps after the descent (see gdOptionSchema). */
  polishSteps: number;
  seed: number;
  lambda: number;
  negationCheck: boolean;
  init: InitKind;
  initialLatent?: Float64Array;
  history: boolean;
}

type PresetValues = Omit<GdSettings, 'preset' | 'step' | 'initialLatent' | 'history' | 'init'>;

const PRESET_VALUES: Record<PresetName, PresetValues> = {
  default: { optimizer: 'gd', learningRate: 0.01, maxIterations: 5000, tol: 1e-10, restarts: 1, retries: 4, polishSteps: 10, seed: 0, lambda: 0, negationCheck: true },
  csgm: { optimizer: 'adam', learningRate: 0.01, maxIterations: 1000, tol: 0, restarts: 10, retries: 0, polishSteps: 0, seed: 0, lambda: 0, negationCheck: false },
};

/** Merges validated option values over their preset and checks the combinations a schema cannot. */
export function settingsFrom(options: OptionValues): GdSettings {
  const o = optionsOf(gdOptionSchema, options);
  const preset = o.preset;
  const base = PRESET_VALUES[preset];
  const initialLatent = o.initialLatent;
  const init = o.init ?? (initialLatent ? 'given' : 'random');
  const pick = <K extends keyof PresetValues & keyof typeof gdOptionSchema>(key: K) => o[key] ?? base[key];
  const optimizer = pick('optimizer');
  if (init === 'given' && !initialLatent) throw new OptionError(`solver 'gd' option 'init': 'given' needs initialLatent`);
  if (initialLatent && init !== 'given') throw new OptionError(`solver 'gd' option 'initialLatent': only used with init=given, got init=${init}`);
  if (o.step !== undefined && optimizer !== 'gd') throw new OptionError(`solver 'gd' option 'step': applies to optimizer gd; use learningRate for adam`);
  if (o.learningRate !== undefined && optimizer !== 'adam') throw new OptionError(`solver 'gd' option 'learningRate': applies to optimizer adam; use step for gd`);
  return {
    preset,
    optimizer,
    step: o.step,
    learningRate: pick('learningRate'),
    maxIterations: pick('maxIterations'),
    tol: pick('tol'),
    restarts: pick('restarts'),
    retries: pick('retries'),
    polishSteps: pick('polishSteps'),
    seed: pick('seed'),
    lambda: pick('lambda'),
    negationCheck: pick('negationCheck'),
    init,
    initialLatent,
    history: o.history,
  };
}
