/** gd on random expansive convolutional nets (Gaussian weights), single and batch. */
import { describe, expect, it } from 'vitest';
import { createProblem, createBatchProblem, Matrix, randomConvGenerator, relativeError, Rng, solve, sphereVector } from '@inv/core';
import '../src/index.js';

// 16 → Dense to 4×4×16 → Conv2DTranspose stride 2 to 8×8×32 → Conv2DTranspose stride 2 to 16×16×16, ReLU
const net = (seed: number) =>
  randomConvGenerator(16, [
    { kind: 'dense', shape: [4, 4, 16] },
    { kind: 'conv2d_transpose', filters: 32, kernel: 4, stride: 2 },
    { kind: 'conv2d_transpose', filters: 16, kernel: 4, stride: 2 },
  ], { seed });

describe('gd on convolutional generators', () => {
  it('recovers the latent of random expansive conv nets to 1e-6 (float64, one solve each)', async () => {
    for (const seed of [0, 1]) {
      const G = net(seed);
      const truth = sphereVector(new Rng(100 + seed), 16);
      const result = await solve(createProblem({ generator: G, observation: G.forward(truth) }), 'gd');
      expect(result.status).toBe('converged');
      expect(relativeError(result.latent, truth)).toBeLessThan(1e-6);
    }
  });

  it('an UpSampling2D + Conv2D net with biases and a sigmoid output, batch of 3 (float64)', async () => {
    const G = randomConvGenerator(8, [
      { kind: 'dense', shape: [4, 4, 12] },
      { kind: 'conv2d', filters: 16, kernel: 3, upsample: 2 },
      { kind: 'conv2d_transpose', filters: 4, kernel: 3, stride: 2, padding: 'valid' },
    ], { seed: 3, bias: true, outputActivation: { kind: 'sigmoid' } });
    const truths = [0, 1, 2].map((s) => sphereVector(new Rng(200 + s), 8));
    const X = new Matrix(3, G.outputDim);
    truths.forEach((z, b) => X.data.set(G.forward(z), b * G.outputDim));
    const results = await solve(createBatchProblem({ generator: G, observation: X }), 'gd');
    results.forEach((r, b) => {
      expect(r.info?.backend).toBe('float64');
      expect(relativeError(r.latent, truths[b])).toBeLessThan(1e-6);
    });
  });

  it('a batch of 16 runs on tfjs-wasm (tf.conv2d) and recovers each latent to float32 accuracy (measured ≤ 1.5e-6)', async () => {
    const G = net(4);
    const truths = Array.from({ length: 16 }, (_, s) => sphereVector(new Rng(300 + s), 16));
    const X = new Matrix(16, G.outputDim);
    truths.forEach((z, b) => X.data.set(G.forward(z), b * G.outputDim));
    const results = await solve(createBatchProblem({ generator: G, observation: X }), 'gd', { workers: 1, tol: 1e-6 });
    const errors = results.map((r, b) => relativeError(r.latent, truths[b]));
    expect(results[0].info?.backend).toBe('tfjs-wasm');
    expect(results.every((r) => r.status === 'converged')).toBe(true);
    expect(Math.max(...errors)).toBeLessThan(1e-5);
  });

  it('a batch of 64 is spread over worker threads: the conv stages travel in the plain form', async () => {
    const G = randomConvGenerator(6, [{ kind: 'dense', shape: [3, 3, 8] }, { kind: 'conv2d_transpose', filters: 6, kernel: 3, stride: 2 }], { seed: 1 });
    const truths = Array.from({ length: 64 }, (_, s) => sphereVector(new Rng(s), 6));
    const X = new Matrix(64, G.outputDim);
    truths.forEach((z, b) => X.data.set(G.forward(z), b * G.outputDim));
    const results = await solve(createBatchProblem({ generator: G, observation: X }), 'gd', { tol: 1e-6, workers: 2 });
    expect(results[0].info?.ranIn).toBe('workers');
    expect(Math.max(...results.map((r, b) => relativeError(r.latent, truths[b])))).toBeLessThan(1e-5);
  });
});
