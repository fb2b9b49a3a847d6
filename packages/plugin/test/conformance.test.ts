/** The shared solver contract (@inv/core/testing), run on plugin. */
import { createBatchProblem, getSolver, Matrix } from '@inv/core';
import { describeSolver } from '@inv/core/testing';
import '../src/index.js';
import { instance } from './instances.js';

describeSolver(getSolver('plugin'), {
  fits: () => instance([10, 200, 200], 21).problem,
  // Three observations of one net (a batch this small stays in float64, without tfjs).
  batch: () => {
    const { generator } = instance([10, 200, 200], 21);
    const rows = [21, 22, 23].map((seed) => Array.from(instance([10, 200, 200], seed, { generator }).clean));
    return createBatchProblem({ generator, observation: Matrix.fromRows(rows) });
  },
  long: () => ({ problem: instance([20, 600, 500, 500], 1, { noise: 0.01 }).problem, options: { tol: 0, maxIterations: 10_000_000 } }),
  badOptions: [
    [{ step: 0 }, /'step': expected a value > 0, got 0/],
    [{ theta: 0 }, /'theta': expected a value > 0, got 0/],
    [{ init: 'given' }, /'initialLatent': required when init is 'given'/],
    [{ initialLatent: new Array(10).fill(1) }, /only used with init 'given'/],
    [{ init: 'given', initialLatent: [1, 2] }, /'initialLatent': expected length 10 \(the latent dimension\), got 2/],
    [{ init: 'middle' }, /expected one of zero, random, given/],
  ],
});
