/**
 * PLUGIn on random expansive convolutional nets (Gaussian kernels): the surrogate (Φ·W_d⋯W_1)ᵀ is a
 * composition of adjoints and the step θ/γ̂ comes from the measured gain. The Gaussian-matrix theory
 * does not cover shared kernels; this states what we measured (README guarantee table).
 */
import { describe, expect, it } from 'vitest';
import { createBatchProblem, createProblem, MaskOperator, Matrix, randomConvGenerator, relativeError, Rng, solve, sphereVector, type ConvStageSpec } from '@inv/core';
import '../src/index.js';

const nets: [string, number, ConvStageSpec[]][] = [
  ['16 → 4×4×16 → Conv2DTranspose s2 → 8×8×32', 16, [{ kind: 'dense', shape: [4, 4, 16] }, { kind: 'conv2d_transpose', filters: 32, kernel: 4, stride: 2 }]],
  ['8 → 4×4×16 → 8×8×16 → 16×16×8 (two Conv2DTranspose s2)', 8, [{ kind: 'dense', shape: [4, 4, 16] }, { kind: 'conv2d_transpose', filters: 16, kernel: 4, stride: 2 }, { kind: 'conv2d_transpose', filters: 8, kernel: 4, stride: 2 }]],
  ['16 → 4×4×16 → UpSampling2D + Conv2D 3×3 → 8×8×32', 16, [{ kind: 'dense', shape: [4, 4, 16] }, { kind: 'conv2d', filters: 32, kernel: 3, upsample: 2 }]],
];

describe('plugin on convolutional generators', () => {
  for (const [name, k, spec] of nets) {
    it(`${name}: converges geometrically to relative error < 1e-11 (measured 56–148 iterations, ≤ 5e-13)`, async () => {
      for (const seed of [0, 1]) {
        const G = randomConvGenerator(k, spec, { seed });
        const truth = sphereVector(new Rng(100 + seed), k);
        const r = await solve(createProblem({ generator: G, observation: G.forward(truth) }), 'plugin', { history: true });
        expect(r.status).toBe('converged');
        expect(r.iterations).toBeLessThan(200);
        expect(relativeError(r.latent, truth)).toBeLessThan(1e-11);
        // geometric: the residual falls by at least 1e6 over the first 60% of the run
        const h = r.history!;
        expect(h[Math.floor(h.length * 0.6)].residual).toBeLessThan(1e-6 * h[0].residual);
      }
    });
  }

  it('inpainting (70% of the pixels) and a small batch, item by item in float64', async () => {
    const [, k, spec] = nets[0];
    const G = randomConvGenerator(k, spec, { seed: 5 });
    const mask = MaskOperator.fromMask(Array.from({ length: G.outputDim }, (_, i) => (i % 10 < 7 ? 1 : 0)));
    const truths = [0, 1, 2].map((s) => sphereVector(new Rng(400 + s), k));
    const Y = new Matrix(3, mask.rows);
    truths.forEach((z, b) => Y.data.set(mask.apply(G.forward(z)), b * mask.rows));
    const results = await solve(createBatchProblem({ generator: G, measurement: mask, observation: Y }), 'plugin');
    results.forEach((r, b) => {
      expect(r.status).toBe('converged');
      expect(relativeError(r.latent, truths[b])).toBeLessThan(1e-10);
    });
  });
});
