import { describe, expect, it } from 'vitest';
import { createBatchProblem, createProblem, leakyRelu, Matrix, relativeError, sigmoid, solve, tanh, type BatchProblem, type Problem } from '@inv/core';
import { TF_BATCH_MIN } from '../src/index.js';
import '../src/index.js';
import { instance } from './instances.js';

describe('noiseless recovery (identity measurement)', () => {
  it('inverts Gaussian 20-600-500-500 ReLU nets to 1e-9 on 10 seeds with the default step', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const { problem, truth } = instance([20, 600, 500, 500], seed);
      const r = await solve(problem, 'plugin');
      expect(r.status, `seed ${seed}`).toBe('converged');
      expect(relativeError(r.latent, truth), `seed ${seed}`).toBeLessThanOrEqual(1e-9);
      // The default rule lands near the authors' η = 3..4 for d = 3 (θ/γ̂ with γ̂ ≈ 2^-3).
      expect(r.info!.step).toBeGreaterThan(3);
      expect(r.info!.step).toBeLessThan(5);
    }
  });

  it('inverts a net with contractive layers (n_1 > n_2 > n_3, allowed by assumption A3)', async () => {
    for (let seed = 0; seed < 3; seed++) {
      const { problem, truth, generator } = instance([10, 1000, 600, 400], seed);
      expect(generator.widths.slice(1)).toEqual([1000, 600, 400]);
      const r = await solve(problem, 'plugin');
      expect(r.status).toBe('converged');
      expect(relativeError(r.latent, truth)).toBeLessThanOrEqual(1e-9);
    }
  });

  it('inverts leaky ReLU nets (gain λ^d with λ = (1 + α)/2)', async () => {
    const { problem, truth } = instance([20, 500, 500], 3, { net: { activation: leakyRelu(0.2) } });
    const r = await solve(problem, 'plugin');
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, truth)).toBeLessThanOrEqual(1e-9);
    expect(r.info!.gain).toBeCloseTo(0.6 ** 2, 1);
  });

  it('inverts a sigmoid or tanh last layer elementwise, then the remaining ReLU net', async () => {
    for (const out of [sigmoid, tanh]) {
      const { problem, truth } = instance([20, 500, 500], 4, { net: { outputActivation: out } });
      const r = await solve(problem, 'plugin');
      expect(r.info!.outputInverted).toBe(true);
      expect(r.status).toBe('converged');
      expect(relativeError(r.latent, truth)).toBeLessThanOrEqual(1e-9);
    }
  });

  it("inverts the output only when y could be an output of G ('auto'), decided once per batch", async () => {
    const { problem } = instance([20, 300, 300], 4, { net: { outputActivation: sigmoid } });
    const { generator, observation } = problem;
    const inverted = async (p: Problem | BatchProblem, options = {}) => {
      const r = await solve(p as Problem, 'plugin', { maxIterations: 5, ...options });
      return [r].flat().map((x) => x.info!.outputInverted);
    };
    expect(await inverted(problem)).toEqual([true]);
    expect(await inverted(createProblem({ generator, observation, noiseLevel: 0.01 }))).toEqual([false]);
    expect(await inverted(createProblem({ generator, observation, noiseLevel: 0.01 }), { invertOutput: 'always' })).toEqual([true]);
    expect(await inverted(problem, { invertOutput: 'never' })).toEqual([false]);
    // A value at or beyond σ's range (noise pushed it there) would have to be clipped before σ⁻¹.
    const clipped = Float64Array.from(observation);
    clipped[7] = 1;
    expect(await inverted(createProblem({ generator, observation: clipped }))).toEqual([false]);
    // In a batch, one such row makes every row run on G itself, in one thread or in several.
    const rows = Array.from({ length: TF_BATCH_MIN }, (_, i) => (i === 3 ? clipped : observation));
    const batch = createBatchProblem({ generator, observation: Matrix.fromRows(rows) });
    expect(await inverted(batch, { workers: 1 })).toEqual(Array(TF_BATCH_MIN).fill(false));
    expect(await inverted(batch, { workers: 2 })).toEqual(Array(TF_BATCH_MIN).fill(false));
    expect(await inverted(createBatchProblem({ generator, observation: Matrix.fromRows(rows.slice(0, 3)) }))).toEqual([true, true, true]);
  });

  it('recovers nets with biases (heuristic: x* stays a fixed point of the update)', async () => {
    const { problem, truth } = instance([10, 400, 400], 5, { net: { bias: true } });
    const r = await solve(problem, 'plugin');
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, truth)).toBeLessThanOrEqual(1e-9);
    expect(r.residual).toBeLessThan(1e-10);
  });
});
