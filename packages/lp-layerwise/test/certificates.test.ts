import { boxVector, createProblem, gaussianVector, Generator, leakyRelu, norm2, Rng, solve } from '@inv/core';
import { describe, expect, it } from 'vitest';
import { getHighs, LayerLp } from '../src/index.js';
import { constrainedLeastSquares } from '../src/constrained-ls.js';
import { fitPoint, type LayerRows, pinnedFit } from '../src/least-squares.js';
import { negativeSlope, rowKind, rowViolation } from '../src/rows.js';

// The shortcuts of the threshold search (docs/lp-layerwise.md) must decide exactly what the LP decides:
// a constrained least-squares point only where the LP is feasible, a dual certificate only where it is
// not, and the LP on a model that holds only working-set rows must have the full model's optimum.

const kinds = [
  ['ReLU', {}],
  ['leaky ReLU(0.1)', { activation: leakyRelu(0.1) }],
] as const;

/** The top layer of a random 20-k-m net and a noisy observation of it. */
function noisyLayer(options: object, seed: number, noise: number, k = 120, m = 300) {
  const g = Generator.random([20, k, m], { seed, ...options });
  const rng = new Rng(seed + 1);
  const y = g.forward(gaussianVector(rng, 20));
  const e = boxVector(rng, y.length, noise);
  for (let i = 0; i < y.length; i++) y[i] += e[i];
  const l = g.layers[1];
  const layer: LayerRows = { weight: l.weight, bias: l.bias, activation: l.activation, nonnegative: g.layers[0].activation.kind === 'relu', preActivation: (h) => g.preActivation(1, h) };
  return { g, layer, y, e };
}

/** Max row violation of h at threshold t, computed here from the row rules alone. */
function maxViolation(layer: LayerRows, y: Float64Array, h: Float64Array, t: number): number {
  const p = layer.preActivation(h), alpha = negativeSlope(layer.activation);
  let v = layer.nonnegative ? Math.max(0, ...h.map((x) => -x)) : 0;
  for (let i = 0; i < p.length; i++) v = Math.max(v, rowViolation(rowKind(layer.activation, y[i], t), p[i], y[i], alpha));
  return v;
}

describe('constrained least squares is a feasibility certificate', () => {
  for (const [label, options] of kinds) {
    it(`${label} 60→200 with noise 1e-2: a point only where the LP is feasible, and it satisfies every row`, async () => {
      const highs = await getHighs();
      const { g, layer, y } = noisyLayer(options, 3, 1e-2, 60, 200);
      const lp = new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', layer.nonnegative, false);
      let rescued = 0, refused = 0;
      try {
        for (const t of [3e-3, 6e-3, 1e-2, 1.5e-2, 3e-2]) {
          const fit = pinnedFit(layer, y, t)!;
          const ls = fitPoint(layer, y, fit);
          const point = constrainedLeastSquares(layer, y, t, fit);
          const exact = await lp.solve(y, { thres: t });
          expect(exact.status).toBe('optimal');
          if (point) {
            expect(maxViolation(layer, y, point.h, t)).toBeLessThanOrEqual(t);
            expect(exact.slack).toBeLessThanOrEqual(t * (1 + 1e-9));
            if (ls.violation > t) rescued++;
          } else if (exact.slack > t) refused++;
        }
      } finally {
        lp.dispose();
      }
      // Both outcomes occur on this schedule: points where plain least squares fails, and refusals where the LP is infeasible.
      expect(rescued).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
      expect(g.layers.length).toBe(2);
    });
  }
});

describe('dual certificates and the working-set model', () => {
  for (const [label, options] of kinds) {
    it(`${label}: an LP's nonzero-dual rows bound min t at every threshold where they all exist`, async () => {
      const highs = await getHighs();
      const { layer, y } = noisyLayer(options, 5, 1e-2, 40, 200);
      const lp = new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', layer.nonnegative, true);
      const plain = new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', layer.nonnegative, false);
      let certified = 0;
      try {
        const first = await lp.solve(y, { thres: 1e-4 });
        expect(first.slack).toBeGreaterThan(1e-4);
        for (let s = 1; 1e-4 * 1.2 ** s < first.slack; s++) {
          const t = 1e-4 * 1.2 ** s;
          if (!lp.supportPresent(first.support!, y, t)) continue;
          certified++;
          const exact = await plain.solve(y, { thres: t });
          expect(exact.slack).toBeGreaterThanOrEqual(first.slack * (1 - 1e-9));
        }
      } finally {
        lp.dispose();
        plain.dispose();
      }
      expect(certified).toBeGreaterThan(3);
    });

    it(`${label} 100→300 with noise 1e-2: the working-set model gives the full model's min t to 1e-9, cold and warm`, async () => {
      const highs = await getHighs();
      const { layer, y } = noisyLayer(options, 7, 1e-2, 100, 300);
      const lazy = new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', layer.nonnegative, true);
      const plain = new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', layer.nonnegative, false);
      try {
        const start = pinnedFit(layer, y, 1e-2)!.h;
        for (const [t, warm] of [[1e-2, false], [5e-3, true], [2e-2, true]] as const) {
          const a = await lazy.solve(y, { thres: t, warm, start });
          const b = await plain.solve(y, { thres: t });
          expect(a.status).toBe('optimal');
          expect(Math.abs(a.slack - b.slack)).toBeLessThanOrEqual(1e-9 * b.slack);
          // Rows inside the working set hold to HiGHS' feasibility tolerance (1e-7), as in the full model.
          expect(maxViolation(layer, y, a.h, t)).toBeLessThanOrEqual(a.slack + 1e-9);
        }
      } finally {
        lazy.dispose();
        plain.dispose();
      }
    });
  }
});

describe('the default path (constrained least squares, certificates) keeps the LP threshold', () => {
  for (const [label, options] of kinds) {
    // search.test.ts checks that the LP-only search ends at the ×1.2 walk's threshold on this instance.
    it(`${label} 20-60-300 with noise 1e-2 from threshold 1e-4: the LP-only search's threshold`, async () => {
      const g = Generator.random([20, 60, 300], { seed: 9, ...options });
      const rng = new Rng(10);
      const y = g.forward(gaussianVector(rng, 20));
      const e = boxVector(rng, y.length, 1e-2);
      for (let i = 0; i < y.length; i++) y[i] += e[i];
      const problem = createProblem({ generator: new Generator([g.layers[1]]), observation: y, noiseNorm: norm2(e) });
      const fast = await solve(problem, 'lp-linf', { threshold: 1e-4, maxThreshold: 1 });
      const lpOnly = await solve(problem, 'lp-linf', { fastPath: false, threshold: 1e-4, maxThreshold: 1 });
      expect(fast.status).toBe('converged');
      expect(fast.info?.threshold).toBeCloseTo(lpOnly.info?.threshold as number, 12);
    });
  }
});
