/** The shared solver contract (@inv/core/testing), run on lp-linf and lp-l1. */
import { boxVector, createBatchProblem, gaussianVector, getSolver, Matrix, MatrixOperator, Rng } from '@inv/core';
import { describeSolver } from '@inv/core/testing';
import '../src/index.js';
import { instance } from './helpers.js';

for (const name of ['lp-linf', 'lp-l1']) {
  describeSolver(getSolver(name), {
    fits: () => instance([5, 20, 40], 1).problem,
    batch: () => {
      const { generator } = instance([5, 20, 40], 1);
      const rows = [1, 2, 3].map((seed) => Array.from(generator.forward(gaussianVector(new Rng(seed), 5))));
      return createBatchProblem({ generator, observation: Matrix.fromRows(rows) });
    },
    // A batch through a Gaussian A (projected gradient, which maxIterations bounds), with box noise; progress
    // is reported per item, so the abort at the first report leaves the later items aborted.
    long: () => {
      const { generator, A } = instance([5, 20, 40], 1, {}, (n, rng) => new MatrixOperator(new Matrix(30, n, gaussianVector(rng, 30 * n, 1 / Math.sqrt(30)))));
      const rng = new Rng(9);
      const rows = [0, 1, 2].map(() => Array.from(A!.apply(generator.forward(gaussianVector(rng, 5)))).map((v, i, a) => v + boxVector(rng, a.length, 1e-3)[i]));
      return { problem: createBatchProblem({ generator, measurement: A, observation: Matrix.fromRows(rows) }), options: { workers: 1 } };
    },
    // The least-squares fast path finishes a small problem before the signal is looked at; without it the
    // LP path checks the signal first. `iterations` counts LP and least-squares solves, not the projected
    // gradient's steps that maxIterations bounds.
    options: { fastPath: false },
    maxIterationsBoundsResult: false,
    badOptions: [
      [{ growth: 0.5 }, /option 'growth'/],
    ],
  });
}
