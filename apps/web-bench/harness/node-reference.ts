/** The page's experiments solved in Node with the same packages, to check and to time the browser against. */
import { getSolver, parseOnnx, solve, type Result } from '@inv/core';
import { heldOutDigits, mnistGenerator, type MnistModelName } from '@inv/models/node';
import { buildExperiment, gaussianGenerator, type Experiment } from '../src/experiment.js';
import { readOptions } from '../src/options.js';
import type { ExperimentSpec } from '../src/protocol.js';
import '../src/runtime.js';

/**
 * The experiment the page's controls start with (index.html, src/ui/form.ts): a random 20-250-784
 * Gaussian ReLU net (seed 0), G(z*) for latent seed 1, noise-free denoising, task seed 0: a setting
 * where every solver's guarantee applies, so every row is a success.
 */
export function defaultSpec(): ExperimentSpec {
  return {
    generator: { kind: 'gaussian', widths: [20, 250, 784], seed: 0 },
    signal: { kind: 'latent', seed: 1 },
    task: { kind: 'denoise' },
    noise: 0,
    noiseSeed: 1,
  };
}

/** The page's first MNIST decoder with held-out digit 0 (the signal a user picks first). */
export function digitSpec(noise: number): ExperimentSpec {
  return {
    generator: { kind: 'mnist', name: '20-60-784' },
    signal: { kind: 'image', pixels: heldOutDigits().images[0], label: 'held-out digit #0' },
    task: { kind: 'denoise' },
    noise,
    noiseSeed: 1,
  };
}

export function experimentInNode(spec: ExperimentSpec): Experiment {
  const g = spec.generator;
  const generator = g.kind === 'mnist' ? mnistGenerator(g.name as MnistModelName) : g.kind === 'onnx' ? parseOnnx(g.bytes, { source: g.name }) : gaussianGenerator(g.widths, g.seed);
  return buildExperiment(generator, spec);
}

/** Solves with the options the page sends when the solver's controls are left alone. */
export function solveLikeThePage(experiment: Experiment, name: string): Promise<Result> {
  const solver = getSolver(name);
  return solve(experiment.problem, solver, readOptions(name, solver.options, {}));
}
