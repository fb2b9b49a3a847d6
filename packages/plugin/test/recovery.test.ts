import { describe, expect, it } from 'vitest';
import { leakyRelu, relativeError, sigmoid, solve, tanh } from '@inv/core';
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

  it('recovers nets with biases (heuristic: x* stays a fixed point of the update)', async () => {
    const { problem, truth } = instance([10, 400, 400], 5, { net: { bias: true } });
    const r = await solve(problem, 'plugin');
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, truth)).toBeLessThanOrEqual(1e-9);
    expect(r.residual).toBeLessThan(1e-10);
  });
});
