/** The two registered solvers: `lp-linf` and `lp-l1` share everything but the LP's norm. */
import { PIECEWISE_LINEAR_SUPPORT, solveBatchWithWorkers, type Solver } from '@inv/core';
import type { LpNorm } from './layer-lp.js';
import { solveItems } from './batch.js';
import { lpConditions } from './conditions.js';
import { lpOptions, WORKER_BATCH_MIN } from './options.js';
import { contractedResults, solveSingle } from './single.js';

const REFERENCE = 'Lei, Jalal, Dhillon, Dimakis, "Inverting Deep Generative models, One layer at a time", NeurIPS 2019 (arXiv 1906.07437)';

function lpSolver(name: string, norm: LpNorm, summary: string): Solver {
  return {
    name,
    summary,
    reference: REFERENCE,
    supports: PIECEWISE_LINEAR_SUPPORT,
    options: lpOptions,
    conditions: lpConditions,
    solve: (problem, options, context) => solveSingle(name, norm, problem, options, context),
    // HiGHS is single-threaded: in Node, batches are spread over worker threads, one model per layer in each.
    solveBatch: async (problem, options, context) =>
      contractedResults(name, problem) ??
      solveBatchWithWorkers(problem, options, context, { solver: name, module: 'index.js', base: import.meta.url, minItems: WORKER_BATCH_MIN }, () =>
        solveItems(name, norm, problem, options, context),
      ),
  };
}

export const lpLinf: Solver = lpSolver('lp-linf', 'linf', 'layer-wise LP inversion, l-inf misfit per layer (HiGHS WASM); exact for expansive realizable nets');
export const lpL1: Solver = lpSolver('lp-l1', 'l1', 'layer-wise LP inversion, l1 misfit per layer (HiGHS WASM); robust to sparse outliers');
