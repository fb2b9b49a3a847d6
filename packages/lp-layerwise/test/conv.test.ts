/** The layer-wise LPs on random expansive convolutional nets: each stage's sparse rows go to the same layer LP. */
import { describe, expect, it } from 'vitest';
import { createBatchProblem, createProblem, getSolver, conditionsFor, Matrix, MaskOperator, sigmoid, randomConvGenerator, relativeError, Rng, solve, sphereVector, type ConvStageSpec } from '@inv/core';
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

  // The shape of most trained decoders: the last stage maps many channels to one (8×8×6 = 384 → 16×16×1 = 256).
  const contracting: ConvStageSpec[] = [
    { kind: 'dense', shape: [4, 4, 8] },
    { kind: 'conv2d_transpose', filters: 6, kernel: 3, stride: 2 },
    { kind: 'conv2d_transpose', filters: 1, kernel: 3, stride: 2 },
  ];
  const message =
    'stage 2 (conv2d_transpose 3x3 s2x2 same, sigmoid: 8x8x6 → 16x16x1, 384 → 256) contracts: 256 observed outputs cannot determine its 384 inputs, so the layer-wise LP cannot invert it (gd and plugin can)';

  it('a contracting last stage: infeasible before any LP, naming the stage; the conditions say so beforehand', async () => {
    const G = randomConvGenerator(8, contracting, { seed: 4, outputActivation: sigmoid });
    const truth = sphereVector(new Rng(70), 8);
    const y = G.forward(truth);
    for (const solver of ['lp-linf', 'lp-l1']) {
      const r = await solve(createProblem({ generator: G, observation: y }), solver);
      expect(r.status).toBe('infeasible');
      expect(r.success).toBe(false);
      expect(r.iterations).toBe(0);
      expect(r.message).toBe(`${solver}: ${message}`);
      // A batch (spread over threads from 8 rows) gives the same answer for every row without starting one.
      const batch = await solve(createBatchProblem({ generator: G, observation: new Matrix(10, y.length, new Float64Array(10 * y.length).map((_, i) => y[i % y.length])) }), solver);
      expect(batch.map((b) => b.status)).toEqual(new Array(10).fill('infeasible'));
      const [supported, expands, theory] = conditionsFor(getSolver(solver), G);
      expect(supported).toMatchObject({ kind: 'required', holds: true });
      expect(expands).toEqual({ name: 'every stage expands (out >= in)', kind: 'required', holds: false, reason: message });
      // Stage 1 expands 384 / 128 = 3x, so the first ReLU-type stage short of 2.1x does not exist.
      expect(theory).toMatchObject({ kind: 'theory', holds: true });
    }
  });

  it('the conditions hold on the expansive net the LPs invert exactly', () => {
    const G = randomConvGenerator(8, spec, { seed: 0 });
    expect(conditionsFor(getSolver('lp-linf'), G).map((c) => c.holds)).toEqual([true, true, true]);
  });
});
