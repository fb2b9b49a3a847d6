/** The options of `lp-linf` and `lp-l1`, their defaults, and the settings an inversion runs with. */
import { type BatchProblem, defineOptions, normInf, optionsOf, type OptionValues, type Problem, workersOption } from '@inv/core';
import type { InvertSettings } from './invert.js';
import type { LpNorm } from './layer-lp.js';
import type { PgdSettings } from './pgd.js';

export const CLEAN_THRESHOLD = 1e-9;

/** Below this many observations worker start-up (~0.2 s) costs more than it saves. */
export const WORKER_BATCH_MIN = 8;

/**
 * The threshold cap (docs/lp-layerwise.md): a layer may not accept a misfit orders of magnitude above
 * the noise. With a stated noise level σ: NOISE_CAP·σ. With a stated clean observation: CLEAN_CAP·1e-9·max|y|.
 * Without one: DATA_CAP·max|y| (a threshold that large no longer separates active units from noise).
 */
export const NOISE_CAP = 100;
export const CLEAN_CAP = 100;
export const DATA_CAP = 0.1;

export const lpOptions = defineOptions({
  threshold: { type: 'number', min: 0, description: 'initial activity threshold (default: the problem noise level, or 1e-9 for clean observations)' },
  growth: { type: 'number', default: 1.2, min: 1.0001, max: 10, description: 'factor by which the threshold grows while the l-inf LP is infeasible (l1: while the fit improves)' },
  maxThresholdSteps: { type: 'integer', default: 200, min: 0, description: 'threshold growth steps per layer before giving up (status infeasible)' },
  fastPath: { type: 'boolean', default: true, description: 'try least squares on the active rows first; kept only if it satisfies every constraint' },
  maxThreshold: {
    type: 'number',
    exclusiveMin: 0,
    description: `largest threshold any layer may reach; past it the layer is infeasible (default: ${NOISE_CAP}× the stated noise level; ${CLEAN_CAP}× max|y|·1e-9 for a stated clean observation; ${DATA_CAP}× max|y| when no noise level is stated)`,
  },
  generate: { type: 'boolean', default: true, description: 'l-inf: constraint generation (LPs on a working set of rows, the full LP answer); false: every row in every LP' },
  dense: { type: 'boolean', default: true, description: 'l-inf with constraint generation: LPs go to the dense interior point first, whose vertex is kept only with an optimality certificate (else HiGHS finishes from its basis and keeps the warm LPs of that layer); false: HiGHS only' },
  timeLimit: { type: 'number', min: 0, description: 'wall-time limit per observation in seconds (status time_limit)' },
  clip: { type: 'number', default: 1e-6, min: 0, max: 0.5, description: 'clip for the elementwise inverse of a sigmoid/tanh output' },
  step: { type: 'number', exclusiveMin: 0, description: 'projected-gradient step μ for general measurements (default: 1 / the mean ‖A·G(z)‖²/‖G(z)‖² over 8 seeded samples, halved while the residual grows, never below 1/‖A‖²)' },
  maxIterations: { type: 'integer', default: 100, min: 1, description: 'projected-gradient iterations for general measurements' },
  polishSteps: { type: 'integer', default: 10, min: 0, description: 'Gauss–Newton steps on the final latent, each kept only if it lowers the residual: after projected gradient always; after the layer-wise LPs only when their latent does not fit the observation, kept only if the polished one does (0: off)' },
  tol: { type: 'number', default: 1e-10, min: 0, description: 'projected-gradient stop: relative change of G(z) between iterations' },
  workers: workersOption(WORKER_BATCH_MIN),
});

/** `options` are resolved (`resolveOptions` against lpOptions): every option with a default is set. */
export function settingsFor(problem: Problem | BatchProblem, options: OptionValues, norm: LpNorm, startedAt: number, observation?: ArrayLike<number>): InvertSettings {
  const o = optionsOf(lpOptions, options);
  const given = o.threshold;
  const threshold = given !== undefined && given > 0 ? given : problem.noiseLevel ? problem.noiseLevel : CLEAN_THRESHOLD;
  const timeLimit = o.timeLimit;
  const scale = observation ? Math.max(CLEAN_THRESHOLD, normInf(observation)) : 1;
  const noise = problem.noiseLevel;
  const cap = o.maxThreshold ?? (noise ? NOISE_CAP * noise : noise === 0 ? CLEAN_CAP * CLEAN_THRESHOLD * scale : DATA_CAP * scale);
  return {
    maxThreshold: Math.max(cap, threshold),
    generate: o.generate,
    dense: o.dense,
    norm,
    threshold,
    growth: o.growth,
    maxThresholdSteps: o.maxThresholdSteps,
    fastPath: o.fastPath,
    clip: o.clip,
    deadline: timeLimit === undefined ? Infinity : startedAt + timeLimit * 1000,
  };
}

/** Projected-gradient settings from resolved options (see settingsFor). */
export function pgdSettingsFor(options: OptionValues): PgdSettings {
  const o = optionsOf(lpOptions, options);
  return {
    step: o.step,
    maxIterations: o.maxIterations,
    tol: o.tol,
    polishSteps: o.polishSteps,
  };
}
