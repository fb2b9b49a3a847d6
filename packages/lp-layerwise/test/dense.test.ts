import { boxVector, gaussianVector, Generator, leakyRelu, Matrix, normInf, Rng, sub } from '@inv/core';
import { describe, expect, it } from 'vitest';
import { getHighs, LayerLp } from '../src/index.js';

// The dense interior point (src/dense-ipm.ts) answers cold l-inf LPs of wide layers in place of
// HiGHS. Its vertex is kept only with an optimality certificate, so it must give HiGHS' min t, and the
// exact latent on realizable layers; where it cannot certify, HiGHS finishes from its basis.

/** The top layer of a random 20-k-m net and an observation of it with box noise `noise`. */
function layerOf(options: object, seed: number, noise: number, k: number, m: number) {
  const g = Generator.random([20, k, m], { seed, ...options });
  const rng = new Rng(seed + 1);
  const z = gaussianVector(rng, 20);
  const h = new Generator([g.layers[0]]).forward(z);
  const y = g.forward(z);
  if (noise > 0) {
    const e = boxVector(rng, y.length, noise);
    for (let i = 0; i < y.length; i++) y[i] += e[i];
  }
  const l = g.layers[1];
  return { weight: l.weight, bias: l.bias, activation: l.activation, nonnegative: g.layers[0].activation.kind === 'relu', h, y };
}

type Layer = ReturnType<typeof layerOf>;

async function pair(layer: Layer) {
  const highs = await getHighs();
  const make = (dense: boolean) => new LayerLp(highs, layer.weight, layer.bias, layer.activation, 'linf', layer.nonnegative, true, dense);
  return { dense: make(true), simplex: make(false) };
}

describe('dense interior point for l-inf LPs', () => {
  for (const [label, options] of [
    ['ReLU', {}],
    ['leaky ReLU(0.1)', { activation: leakyRelu(0.1) }],
  ] as const) {
    it(`${label} 120→300 with noise 1e-2: HiGHS' min t to 1e-9 at thresholds on both sides of it, and warm re-solves agree`, async () => {
      const layer = layerOf(options, 41, 1e-2, 120, 300);
      const { dense, simplex } = await pair(layer);
      try {
        for (const [t, warm] of [[1e-3, false], [1e-2, false], [1.2e-2, true], [3e-2, true], [5e-3, true]] as const) {
          const a = await dense.solve(layer.y, { thres: t, warm });
          const b = await simplex.solve(layer.y, { thres: t, warm });
          expect(a.status).toBe('optimal');
          expect(b.status).toBe('optimal');
          expect(Math.abs(a.slack - b.slack)).toBeLessThanOrEqual(1e-9 * b.slack);
        }
        // Every LP went to the kernel first (warm ones too, unless the last vertex was still optimal); the two
        // cold ones at least were certified, and HiGHS finished any the kernel could not certify.
        expect(dense.denseSolves).toBeGreaterThanOrEqual(2);
        expect(dense.denseSolves + dense.denseFallbacks).toBeGreaterThanOrEqual(3);
        expect(simplex.denseSolves + simplex.denseFallbacks).toBe(0);
      } finally {
        dense.dispose();
        simplex.dispose();
      }
    });

    it(`${label} 250→600, realizable: the exact input to 1e-9, as HiGHS finds it`, async () => {
      const layer = layerOf(options, 43, 0, 250, 600);
      const { dense, simplex } = await pair(layer);
      try {
        const a = await dense.solve(layer.y, { thres: 1e-9 });
        const b = await simplex.solve(layer.y, { thres: 1e-9 });
        expect(dense.denseSolves).toBe(1);
        expect(a.slack).toBeLessThanOrEqual(1e-9);
        expect(normInf(sub(a.h, layer.h))).toBeLessThanOrEqual(1e-9);
        expect(normInf(sub(a.h, b.h))).toBeLessThanOrEqual(1e-9);
      } finally {
        dense.dispose();
        simplex.dispose();
      }
    });
  }

  it('a degenerate layer (every unit twice): the same min t, whether the kernel certifies or HiGHS finishes from its basis', async () => {
    const base = layerOf({}, 45, 1e-3, 60, 150);
    const k = base.weight.cols, m = base.weight.rows;
    const twice = new Float64Array(2 * m * k);
    twice.set(base.weight.data);
    twice.set(base.weight.data, m * k);
    const y = new Float64Array(2 * m);
    y.set(base.y);
    y.set(base.y, m);
    const layer = { ...base, weight: new Matrix(2 * m, k, twice), bias: undefined, y };
    const { dense, simplex } = await pair(layer);
    try {
      for (const t of [1e-4, 1e-3, 4e-3]) {
        const a = await dense.solve(y, { thres: t });
        const b = await simplex.solve(y, { thres: t });
        expect(a.status).toBe('optimal');
        expect(Math.abs(a.slack - b.slack)).toBeLessThanOrEqual(1e-9 * b.slack);
      }
      expect(dense.denseSolves + dense.denseFallbacks).toBe(3);
      // Twin rows make every basis the kernel reads singular or uncertifiable here: HiGHS finished each LP.
      expect(dense.denseFallbacks).toBeGreaterThan(0);
      expect(dense.rounds).toBeGreaterThan(0);
    } finally {
      dense.dispose();
      simplex.dispose();
    }
  });

  it('a narrow layer (20 wide) solves its warm LPs with the kernel too: HiGHS never runs, the answers are its', async () => {
    const layer = layerOf({}, 47, 1e-2, 20, 200);
    const { dense, simplex } = await pair(layer);
    try {
      for (const [t, warm] of [[1e-3, false], [5e-2, true], [1.5e-2, true], [2e-2, true]] as const) {
        const a = await dense.solve(layer.y, { thres: t, warm });
        const b = await simplex.solve(layer.y, { thres: t, warm });
        expect(Math.abs(a.slack - b.slack)).toBeLessThanOrEqual(1e-9 * b.slack);
      }
      expect(dense.denseSolves).toBeGreaterThanOrEqual(2);
      expect(dense.rounds).toBe(0);
      expect(simplex.rounds).toBeGreaterThanOrEqual(4);
    } finally {
      dense.dispose();
      simplex.dispose();
    }
  });
});
