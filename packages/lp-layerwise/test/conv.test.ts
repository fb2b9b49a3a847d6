/** The layer-wise LPs on random expansive convolutional nets: each stage's sparse rows go to the same layer LP. */
import { describe, expect, it } from 'vitest';
import { createProblem, MaskOperator, randomConvGenerator, relativeError, Rng, solve, sphereVector, type ConvStageSpec } from '@inv/core';
import '../src/index.js';

// 8 → 3×3×8 (9×) → Conv2DTranspose s2 → 6×6×8 (4×) → Conv2DTranspose s2 → 12×12×5 (2.5×), ReLU
const spec: ConvStageSpec[] = [
  { kind: 'dense', shape: [3, 3, 8] },
  { kind: 'conv2d_transpose', filters: 8, kernel: 3, stride: 2 },
  { kind: 'conv2d_transpose', filters: 5, kernel: 3, stride: 2 },
];

describe('lp-linf and lp-l1 on convolutional generators', () => {
  for (const solver of ['lp-linf', 'lp-l1']) {
    it(`${solver}: exact (relative error ≤ 1e-8) from float64 observations`, async () => {
      for (const seed of [0, 1]) {
        const G = randomConvGenerator(8, spec, { seed });
        const truth = sphereVector(new Rng(50 + seed), 8);
        const r = await solve(createProblem({ generator: G, observation: G.forward(truth) }), solver);
        expect(r.status).toBe('converged');
        expect(relativeError(r.latent, truth)).toBeLessThan(1e-8);
      }
    });
  }

  // With 80% observed the last stage keeps 2.0 rows per input (below the 2.1 the LP needs) and the solve ran for minutes.
  it('inpainting: 90% of the pixels observed', async () => {
    const G = randomConvGenerator(8, spec, { seed: 3 });
    const truth = sphereVector(new Rng(60), 8);
    const mask = MaskOperator.fromMask(Array.from({ length: G.outputDim }, (_, i) => (i % 10 < 9 ? 1 : 0)));
    const r = await solve(createProblem({ generator: G, measurement: mask, observation: mask.apply(G.forward(truth)) }), 'lp-linf');
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, truth)).toBeLessThan(1e-8);
  });
});
