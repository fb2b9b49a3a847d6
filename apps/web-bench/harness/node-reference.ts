/** The page's experiments solved in Node with the same packages, to check and to time the browser against. */
import { getSolver, solve, type Result } from '@inv/core';
import { heldOutDigits, mnistGenerator, type MnistModelName } from '@inv/models/node';
import { buildExperiment, gaussianGenerator, type Experiment } from '../src/experiment.js';
import { readOptions } from '../src/options.js';
import type { ExperimentSpec } from '../src/protocol.js';
import '../src/runtime.js';

/** The experiment the page's controls start with (index.html): the first MNIST decoder, held-out digit 0, denoising at σ = 0.05, seed 0. */
export function defaultSpec(): ExperimentSpec {
  return {
    generator: { kind: 'mnist', name: '20-60-784' },
    signal: { kind: 'image', pixels: heldOutDigits().images[0], label: 'held-out digit #0' },
    task: { kind: 'denoise' },
    noise: 0.05,
    noiseSeed: 1,
  };
}

export function experimentInNode(spec: ExperimentSpec): Experiment {
  const g = spec.generator;
  return buildExperiment(g.kind === 'mnist' ? mnistGenerator(g.name as MnistModelName) : gaussianGenerator(g.widths, g.seed), spec);
}

/** Solves with the options the page sends when the solver's controls are left alone. */
export function solveLikeThePage(experiment: Experiment, name: string): Promise<Result> {
  const solver = getSolver(name);
  return solve(experiment.problem, solver, readOptions(name, solver.options, {}));
}
