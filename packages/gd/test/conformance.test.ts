/** The shared solver contract (@inv/core/testing), run on gd. */
import { createBatchProblem, createProblem, Matrix } from '@inv/core';
import { describeSolver } from '@inv/core/testing';
import { gdSolver } from '../src/index.js';
import { instance } from './helpers.js';

describeSolver(gdSolver, {
  fits: () => instance([2, 20, 60], 4).problem,
  batch: () => {
    const rows = [4, 5, 6].map((seed) => Array.from(instance([2, 20, 60], seed).problem.observation));
    return createBatchProblem({ generator: instance([2, 20, 60], 4).problem.generator, observation: Matrix.fromRows(rows) });
  },
  // Noise keeps the objective above zero, so only the signal (or maxIterations) ends the run.
  long: () => {
    const { problem } = instance([5, 100, 300], 2);
    return {
      problem: createProblem({ generator: problem.generator, observation: problem.observation.map((v, i) => v + 0.01 * Math.sin(i)) }),
      options: { preset: 'csgm', restarts: 1, maxIterations: 10_000_000 },
    };
  },
  badOptions: [
    [{ optimizer: 'sgd' }, /option 'optimizer': expected one of gd, adam/],
    [{ restarts: 0 }, /option 'restarts': expected a value >= 1/],
    [{ optimizer: 'adam', step: 0.1 }, /option 'step': applies to optimizer gd/],
    [{ learningRate: 0.1 }, /option 'learningRate': applies to optimizer adam/],
    [{ step: 0 }, /option 'step': expected a value > 0/],
    [{ init: 'given' }, /option 'init': 'given' needs initialLatent/],
    [{ init: 'zero', initialLatent: [1, 2] }, /option 'initialLatent': only used with init=given/],
    [{ initialLatent: [1, 2, 3] }, /option 'initialLatent': expected length 2/],
  ],
});
