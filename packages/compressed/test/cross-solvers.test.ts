/**
 * Compressed-sensing problems with the registered solvers of the other packages: PLUGIn-CS (`plugin`),
 * CSGM-style gradient descent (`gd`) and the layer-wise LP by projected gradient (`lp-linf`).
 */
import { describe, expect, it } from 'vitest';
import { createBatchProblem, Generator, Matrix, norm2, relativeError, Rng, selectedEntries, sigmoid, solve, sphereVector } from '@inv/core';
import '@inv/plugin';
import '@inv/gd';
import '@inv/lp-layerwise';
import { createCompressedSensingProblem, measurementGuard, OnTheFlyGaussianOperator, subsampleOperator, withMeasurementGuard } from '../src/index.js';

const net = Generator.random([10, 200, 500], { seed: 1 });

describe('PLUGIn-CS on a 10-200-500 net with m = 120 Gaussian measurements', () => {
  it('recovers z* exactly (noiseless), on the materialised and the on-the-fly operator', async () => {
    expect(measurementGuard(net, 120)).toBeUndefined();
    // On the fly only for one seed: it is the same operator, and each product redraws 60,000 normals.
    for (const seed of [1, 2, 3]) {
      for (const onTheFly of seed === 1 ? [false, true] : [false]) {
        const { problem, truth } = createCompressedSensingProblem({ generator: net, m: 120, seed, onTheFly });
        if (onTheFly) expect(problem.measurement).toBeInstanceOf(OnTheFlyGaussianOperator);
        const result = await solve(problem, 'plugin');
        expect(relativeError(result.latent, truth.latent)).toBeLessThan(1e-8);
        expect(relativeError(result.reconstruction, truth.signal)).toBeLessThan(1e-8);
      }
    }
  });

  it('with noise stays within the sqrt(4^d n_0 / m)·‖ε‖ scale of the PLUGIn-CS bound', async () => {
    const { problem, truth } = createCompressedSensingProblem({ generator: net, m: 120, seed: 4, noise: { kind: 'sphere', level: 0.05 } });
    const result = await solve(problem, 'plugin');
    const scale = Math.sqrt((4 ** net.depth * net.inputDim) / 120) * 0.05; // ≈ 0.058
    const error = norm2(result.latent.map((v, i) => v - truth.latent[i]));
    expect(error).toBeLessThan(3 * scale);
  });
});

describe('other solvers on compressed-sensing problems', () => {
  it('gd (CSGM objective) recovers z* on the 10-200-500 net with m = 120', async () => {
    for (const seed of [1, 2]) {
      const { problem, truth } = createCompressedSensingProblem({ generator: net, m: 120, seed });
      const result = await solve(problem, 'gd');
      expect(relativeError(result.latent, truth.latent)).toBeLessThan(1e-6);
    }
  });

  it('lp-linf (projected gradient for general A) approaches G(z*) on a 5-60-200 net with m = 150', async () => {
    const small = Generator.random([5, 60, 200], { seed: 1 });
    const { problem, truth } = createCompressedSensingProblem({ generator: small, m: 150, seed: 1 });
    const result = await solve(problem, 'lp-linf', { maxIterations: 30 });
    expect(relativeError(result.reconstruction, truth.signal)).toBeLessThan(0.05);
  });

  it('a too-small m is flagged in the result message', async () => {
    const { problem } = createCompressedSensingProblem({ generator: net, m: 30, seed: 5 });
    const result = withMeasurementGuard(await solve(problem, 'gd', { maxIterations: 50 }), problem);
    expect(result.message).toMatch(/warning: m = 30 measurements is below 2\^d·n_0 = 2\^2·10 = 40/);
  });
});

describe('an unscaled subsample is a mask to every solver', () => {
  const decoder = Generator.random([10, 200, 500], { seed: 6, outputActivation: sigmoid });
  const plain = subsampleOperator(400, 500, 3);
  const scaled = subsampleOperator(400, 500, 3, { scaled: true });
  const truth = sphereVector(new Rng(7), 10);

  it('says which entries it picks, and only when unscaled', () => {
    expect(Array.from(selectedEntries(plain)!)).toEqual(Array.from(plain.indices));
    expect(selectedEntries(scaled)).toBeUndefined();
  });

  it('lp-linf inverts it layer by layer (no projected gradient) and plugin inverts the sigmoid through it', async () => {
    const problem = createCompressedSensingProblem({ generator: decoder, measurement: plain, latent: truth }).problem;
    const lp = await solve(problem, 'lp-linf');
    expect(lp.status).toBe('converged');
    expect(lp.info?.firstStep).toBeUndefined(); // set only by projected gradient
    expect(relativeError(lp.latent, truth)).toBeLessThan(1e-8);
    const plugin = await solve(problem, 'plugin');
    expect(plugin.info?.outputInverted).toBe(true);
    const scaledPlugin = await solve(createCompressedSensingProblem({ generator: decoder, measurement: scaled, latent: truth }).problem, 'plugin');
    expect(scaledPlugin.info?.outputInverted).toBe(false);
  });

  it('gd and plugin batches on tfjs zero its unobserved columns and agree with float64 solves', async () => {
    const net2 = Generator.random([10, 200, 500], { seed: 8 });
    const latents = Array.from({ length: 16 }, (_, i) => sphereVector(new Rng(40 + i), 10));
    const Y = Matrix.fromRows(latents.map((z) => plain.apply(net2.forward(z))));
    const batch = createBatchProblem({ generator: net2, measurement: plain, observation: Y });
    for (const name of ['plugin', 'gd']) {
      const results = await solve(batch, name, { workers: 1 });
      results.forEach((r, i) => expect(relativeError(r.latent, latents[i]), `${name} item ${i}`).toBeLessThan(1e-3));
    }
  });
});
