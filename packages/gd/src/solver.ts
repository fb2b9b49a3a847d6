/** The `gd` solver: CSGM-style descent in latent space with restarts, the λ‖z‖² prior and the negation check. */
import { ACTIVATION_KINDS, solveBatchWithWorkers, type Solver } from '@inv/core';
import { solveBatchInThread } from './batch.js';
import { gdOptionSchema, WORKER_BATCH_MIN } from './options.js';
import { solveSingle, SOLVER_NAME } from './single.js';

export const gdSolver: Solver = {
  name: SOLVER_NAME,
  summary: 'gradient descent or Adam on ‖A·G(z) − y‖² + λ‖z‖², with random restarts and the negation check',
  reference: 'Bora, Jalal, Price, Dimakis 2017 (CSGM); Hand, Voroninski 2018; Huang, Hand, Heckel, Voroninski 2018',
  supports: { hidden: ACTIVATION_KINDS, output: ACTIVATION_KINDS, measurements: 'any', biases: true, convolutional: true },
  options: gdOptionSchema,
  // Needs only G(z) and its vjp, so it takes every generator core takes.
  conditions: () => [
    {
      name: 'a forward pass and its gradient',
      kind: 'required',
      holds: true,
      reason: 'descends ‖A·G(z) − y‖² + λ‖z‖² from restarts on any weights; a global minimum is proven only for expansive Gaussian ReLU nets (Hand, Voroninski)',
    },
  ],

  solve: (problem, options, context) => solveSingle(problem, options, context),

  /**
   * All observations and restarts descend together; 16 or more run on tfjs-wasm (float32), fewer in
   * float64. Large batches are split over worker threads in Node (every observation shares the start
   * points, so a chunk's results do not depend on where it was cut).
   */
  solveBatch(problem, options, context) {
    const spread = { solver: SOLVER_NAME, module: 'index.js', base: import.meta.url, minItems: WORKER_BATCH_MIN };
    return solveBatchWithWorkers(problem, options, context, spread, () => solveBatchInThread(problem, options, context));
  },
};
