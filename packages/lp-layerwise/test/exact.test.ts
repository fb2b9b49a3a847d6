import { leakyRelu, MaskOperator, relativeError, sigmoid, solve } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { instance } from './helpers.js';

describe('realizable inversion is exact', () => {
  // Lei et al.: exact for expansive random nets; the cliff is near k = n_1/2 = 125 (docs/algorithms.md #14).
  for (const k of [20, 60, 100]) {
    it(`k×250×600, k = ${k}: relative latent error ≤ 1e-8 with lp-linf (LP only)`, async () => {
      const { problem, latent } = instance([k, 250, 600], k);
      const result = await solve(problem, 'lp-linf', { fastPath: false });
      expect(result.status).toBe('converged');
      expect(relativeError(result.latent, latent)).toBeLessThanOrEqual(1e-8);
      expect(result.info?.lpSolves).toBe(2);
    });
  }

  it('k×250×600, k = 100: the fast path gives the same exact latent without an LP', async () => {
    const { problem, latent } = instance([100, 250, 600], 7);
    const result = await solve(problem, 'lp-linf');
    expect(result.status).toBe('converged');
    expect(relativeError(result.latent, latent)).toBeLessThanOrEqual(1e-8);
    expect(result.info?.fastPaths).toBe(2);
  });

  it('lp-l1 is exact on a realizable 20×250×600 net', async () => {
    const { problem, latent } = instance([20, 250, 600], 3);
    const result = await solve(problem, 'lp-l1', { fastPath: false });
    expect(result.status).toBe('converged');
    expect(relativeError(result.latent, latent)).toBeLessThanOrEqual(1e-8);
  });

  it('a decoder-shaped net with biases and a sigmoid output (20-60-784) is inverted from its clean output', async () => {
    const { problem, latent } = instance([20, 60, 784], 11, { bias: true, outputActivation: sigmoid });
    for (const name of ['lp-linf', 'lp-l1']) {
      const result = await solve(problem, name, { fastPath: false });
      expect(result.status).toBe('converged');
      expect(relativeError(result.latent, latent)).toBeLessThanOrEqual(1e-8);
    }
  });

  it('leaky ReLU hidden and output layers (20-100-200-500) are inverted exactly by the LP', async () => {
    const { problem, latent } = instance([20, 100, 200, 500], 5, { activation: leakyRelu(0.1) });
    const result = await solve(problem, 'lp-linf', { fastPath: false });
    expect(result.status).toBe('converged');
    expect(relativeError(result.latent, latent)).toBeLessThanOrEqual(1e-8);
  });

  it('70% of the outputs observed through a mask: still exact', async () => {
    const { problem, latent } = instance([20, 250, 600], 9, {}, (n, rng) => {
      const keep: number[] = [];
      for (let i = 0; i < n; i++) if (rng.uniform() < 0.7) keep.push(i);
      return new MaskOperator(n, keep);
    });
    expect(problem.measurement.rows / problem.measurement.cols).toBeGreaterThan(0.65);
    for (const name of ['lp-linf', 'lp-l1']) {
      const result = await solve(problem, name, { fastPath: false });
      expect(result.status).toBe('converged');
      expect(relativeError(result.latent, latent)).toBeLessThanOrEqual(1e-8);
    }
  });
});
