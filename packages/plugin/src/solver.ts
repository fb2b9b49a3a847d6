/** The `plugin` solver object registered with @inv/core. */
import { loadOptional, PIECEWISE_LINEAR_SUPPORT, solveBatchWithWorkers, solveOneByOne, type Solver } from '@inv/core';
import { pluginConditions } from './conditions.js';
import { pluginOptions, pluginOptionSchema, TF_BATCH_MIN, WORKER_BATCH_MIN } from './options.js';
import { invertsOutput } from './plan.js';
import { solveSingle, SOLVER_NAME } from './single.js';

export const pluginSolver: Solver = {
  name: SOLVER_NAME,
  summary: 'PLUGIn: fixed-matrix iteration z ← z − η·(Φ·W_d⋯W_1)ᵀ(Φ·G(z) − y); exact for expansive Gaussian ReLU nets',
  reference: 'Joshi, Li, Plan, Yilmaz, "PLUGIn: A simple algorithm for inverting generative models with recovery guarantees", NeurIPS 2021',
  supports: PIECEWISE_LINEAR_SUPPORT,
  options: pluginOptionSchema,
  conditions: pluginConditions,

  // Support is checked by core's solve() before either method runs.
  async solve(problem, options, context) {
    // In a batch solved one by one, item i starts from seed + i, as in the tfjs batch.
    return solveSingle(problem, pluginOptions(options), context, context.item ?? 0, context.items ?? 1);
  },

  async solveBatch(problem, options, context) {
    // invertOutput 'auto' is decided once for the whole batch, so that chunks in worker threads and
    // items solved one by one all run the same variant.
    const rows = Array.from({ length: problem.observations.rows }, (_, i) => problem.observations.row(i));
    const invert = invertsOutput(problem.generator, problem.measurement, rows, problem.noiseLevel, pluginOptions(options).invertOutput);
    const decided = { ...options, invertOutput: invert ? 'always' : 'never' };
    const opts = pluginOptions(decided);
    const spread = { solver: SOLVER_NAME, module: 'index.js', base: import.meta.url, minItems: WORKER_BATCH_MIN };
    return solveBatchWithWorkers(problem, decided, context, spread, async () => {
      // Loaded on demand: tfjs costs about 200 ms to import and single solves never need it.
      // The tfjs batch iterates on the materialised M; convolutional generators go item by item in float64.
      if (problem.observations.rows >= TF_BATCH_MIN && problem.generator.isDense) {
        return (await loadOptional(() => import('./batch.js'), `plugin: a batch of ${TF_BATCH_MIN} or more`)).solveBatchTf(problem, opts, context);
      }
      return solveOneByOne(pluginSolver, problem, decided, context);
    });
  },
};
