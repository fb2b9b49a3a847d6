/** Recovery in the settings the papers analyse, plus the λ‖z‖² prior against its closed form. */
import { describe, expect, it } from 'vitest';
import {
  createProblem, denseLayer, Generator, gaussianVector, linear, lstsq, Matrix, MaskOperator, relativeError, Rng, solve, sphereVector, tanh, sigmoid,
} from '@inv/core';
import '../src/index.js';
import { gaussianMeasurement, instance } from './helpers.js';

describe('compressed sensing (Hand and Voroninski 2018; Bora et al. 2017)', () => {
  it('Gaussian measurements, 10-200-500 net, m = 120: relative error < 1e-3 with the default', async () => {
    for (const seed of [0, 1, 2]) {
      const { problem, truth } = instance([10, 200, 500], seed, gaussianMeasurement(120, seed));
      const result = await solve(problem, 'gd', { seed });
      expect(result.status).toBe('converged');
      expect(relativeError(result.latent, truth)).toBeLessThan(1e-3);
      expect(result.residual).toBeLessThan(1e-6);
    }
  });

  it('the csgm preset (Adam, lr 0.01, 1000 steps) recovers it too; an explicit restarts overrides the preset value of 10', async () => {
    const { problem, truth } = instance([10, 200, 500], 0, gaussianMeasurement(120, 0));
    const result = await solve(problem, 'gd', { preset: 'csgm', restarts: 2 });
    expect(result.info).toMatchObject({ optimizer: 'adam', restarts: 2, preset: 'csgm' });
    expect(relativeError(result.latent, truth)).toBeLessThan(1e-3);
  });

  it('inpainting with a mask of 60% of the outputs', async () => {
    const rng = new Rng(5);
    const keep = (n: number) => new MaskOperator(n, Array.from({ length: n }, (_, i) => i).filter(() => rng.uniform() < 0.6));
    const { problem, truth } = instance([5, 100, 400], 3, keep);
    const result = await solve(problem, 'gd', {});
    expect(relativeError(result.latent, truth)).toBeLessThan(1e-6);
  });
});

describe('other activations and biases', () => {
  it('recovers the latent of a tanh net with biases and a sigmoid output', async () => {
    const generator = Generator.random([4, 60, 200], { seed: 7, bias: true, activation: tanh, outputActivation: sigmoid });
    const truth = sphereVector(new Rng(8), 4);
    const problem = createProblem({ generator, observation: generator.forward(truth) });
    const result = await solve(problem, 'gd', { maxIterations: 20000 });
    expect(relativeError(result.latent, truth)).toBeLessThan(1e-4);
  });
});

describe('the λ‖z‖² prior', () => {
  it('matches the ridge solution (WᵀW + λI)⁻¹Wᵀy of a linear generator', async () => {
    const k = 6, n = 40, lambda = 0.3;
    const W = new Matrix(n, k, gaussianVector(new Rng(11), n * k, 1 / Math.sqrt(n)));
    const generator = new Generator([denseLayer(W, undefined, linear)]);
    const y = gaussianVector(new Rng(12), n);
    // Ridge regression as least squares on [W; √λ·I] z ≈ [y; 0].
    const stacked = new Matrix(n + k, k);
    stacked.data.set(W.data);
    for (let i = 0; i < k; i++) stacked.data[(n + i) * k + i] = Math.sqrt(lambda);
    const rhs = new Float64Array(n + k);
    rhs.set(y);
    const ridge = lstsq(stacked, rhs);
    const result = await solve(createProblem({ generator, observation: y }), 'gd', { lambda });
    expect(relativeError(result.latent, ridge)).toBeLessThan(1e-7);
    const unregularised = await solve(createProblem({ generator, observation: y }), 'gd', {});
    expect(relativeError(unregularised.latent, ridge)).toBeGreaterThan(1e-2);
  });
});
