import { boxVector, createProblem, gaussianVector, Generator, leakyRelu, norm2, normInf, Rng, solve, sub } from '@inv/core';
import { describe, expect, it } from 'vitest';
import { getHighs, LayerLp } from '../src/index.js';
import { instance } from './helpers.js';

// Constraint generation, hot starts and the bracketing/bisection threshold search must give the
// answer of the plain method: every row in every LP, a cold primal start, the authors' ×growth walk.

describe('constraint generation and hot starts return the cold full LP answer', () => {
  for (const [label, widths, options] of [
    ['ReLU 20-250-600', [20, 250, 600], {}],
    ['leaky ReLU(0.1) 20-100-200-500', [20, 100, 200, 500], { activation: leakyRelu(0.1) }],
  ] as const) {
    it(`${label}, realizable: the latent agrees to 1e-9 with every row in every LP, cold`, async () => {
      const { problem, latent } = instance([...widths], 31, options);
      const plain = await solve(problem, 'lp-linf', { fastPath: false, generate: false });
      const generated = await solve(problem, 'lp-linf', { fastPath: false });
      expect(plain.status).toBe('converged');
      expect(generated.status).toBe('converged');
      expect(normInf(sub(generated.latent, plain.latent))).toBeLessThanOrEqual(1e-9);
      expect(normInf(sub(generated.latent, latent))).toBeLessThanOrEqual(1e-9);
    });
  }

  it('one realizable 250→600 layer: a hot start from another threshold and observation gives the cold answer to 1e-9', async () => {
    const highs = await getHighs();
    const g = Generator.random([20, 250, 600], { seed: 5 });
    const rng = new Rng(6);
    const z = gaussianVector(rng, 20);
    const h = new Generator([g.layers[0]]).forward(z);
    const x = g.forward(z);
    const other = g.forward(gaussianVector(rng, 20));
    const { weight, activation } = g.layers[1];
    const cold = new LayerLp(highs, weight, undefined, activation, 'linf', true, false);
    const hot = new LayerLp(highs, weight, undefined, activation, 'linf', true, true);
    try {
      const a = await cold.solve(x, { thres: 1e-9 });
      await hot.solve(other, { thres: 1e-3 });
      const b = await hot.solve(x, { thres: 1e-9, warm: true });
      expect(a.status).toBe('optimal');
      expect(b.status).toBe('optimal');
      expect(normInf(sub(b.h, a.h))).toBeLessThanOrEqual(1e-9);
      expect(normInf(sub(a.h, h))).toBeLessThanOrEqual(1e-9);
      expect(b.slack).toBeLessThanOrEqual(1e-9);
    } finally {
      cold.dispose();
      hot.dispose();
    }
  });
});

describe('threshold search', () => {
  /** The authors' schedule on one layer: cold full LPs at threshold·growthˢ until min t ≤ threshold. */
  async function walk(lp: LayerLp, x: Float64Array, start: number, growth: number) {
    for (let s = 0; s < 200; s++) {
      const t = start * growth ** s;
      const r = await lp.solve(x, { thres: t });
      if (r.slack <= t * (1 + 1e-12)) return { threshold: t, lps: s + 1 };
    }
    throw new Error('no feasible threshold');
  }

  for (const [label, options] of [
    ['ReLU', {}],
    ['leaky ReLU(0.1)', { activation: leakyRelu(0.1) }],
  ] as const) {
    it(`${label} 20-60-300 with noise 1e-2 from threshold 1e-4: the same final threshold as the ×1.2 walk, from fewer LPs`, async () => {
      const highs = await getHighs();
      const g = Generator.random([20, 60, 300], { seed: 9, ...options });
      const rng = new Rng(10);
      const y = g.forward(gaussianVector(rng, 20));
      const e = boxVector(rng, y.length, 1e-2);
      for (let i = 0; i < y.length; i++) y[i] += e[i];
      // The last layer alone (its input free, as a latent), so that the walk's threshold is comparable.
      const top = new Generator([g.layers[1]]);
      // The noise is stated as its norm (for the verdict), not as lp's noiseLevel, which would start the schedule there.
      const r = await solve(createProblem({ generator: top, observation: y, noiseNorm: norm2(e) }), 'lp-linf', { fastPath: false, threshold: 1e-4, maxThreshold: 1 });
      const plain = new LayerLp(highs, g.layers[1].weight, undefined, g.layers[1].activation, 'linf', false, false);
      try {
        const ref = await walk(plain, y, 1e-4, 1.2);
        expect(ref.lps).toBeGreaterThan(10);
        expect(r.status).toBe('converged');
        expect(r.info?.threshold).toBeCloseTo(ref.threshold, 12);
        expect(r.info?.lpSolves as number).toBeLessThan(ref.lps / 2);
      } finally {
        plain.dispose();
      }
    });
  }
});
