import { boxVector, createProblem, gaussianVector, Generator, norm2, Rng, solve, sub } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

// The paper's Fig. 1 net (20-100-500, expansion 5) with uniform noise in [−ε, ε] (norm_type 0).
const generator = Generator.random([20, 100, 500], { seed: 4 });
const TRIALS = 5;

async function medianErrorOverEps(name: string, eps: number, options: Record<string, unknown> = {}): Promise<number> {
  const ratios: number[] = [];
  for (let s = 0; s < TRIALS; s++) {
    const rng = new Rng(s);
    const z = gaussianVector(rng, 20);
    const y = generator.forward(z);
    const e = boxVector(rng, y.length, eps);
    for (let i = 0; i < y.length; i++) y[i] += e[i];
    const result = await solve(createProblem({ generator, observation: y, noiseLevel: eps }), name, options);
    expect(result.status).toBe('converged');
    ratios.push(norm2(sub(result.latent, z)) / eps);
  }
  return ratios.sort((a, b) => a - b)[TRIALS >> 1];
}

describe('bounded noise: the latent error grows linearly with ε', () => {
  for (const [label, options] of [['LP only', { fastPath: false }], ['default fast path', {}]] as const) {
    it(`lp-linf (${label}): ‖ẑ − z*‖ / ε is the same constant for ε = 1e-4, 1e-3, 1e-2`, async () => {
      const c = await Promise.all([1e-4, 1e-3, 1e-2].map((eps) => medianErrorOverEps('lp-linf', eps, options)));
      // Linear in ε (the paper's l-inf bound is C·ε with C fixed by the net): the ratios agree within
      // 2x, and the constant is modest for an expansion-5 net (measured ≈ 9 for the LP; ‖z*‖ ≈ √20).
      for (const r of c) {
        expect(r).toBeGreaterThan(0);
        expect(r / c[0]).toBeGreaterThan(0.5);
        expect(r / c[0]).toBeLessThan(2);
        expect(r).toBeLessThan(30);
      }
    });
  }

  it('lp-l1: the error stays O(ε) (ratio bounded across two decades of ε)', async () => {
    const c = await Promise.all([1e-4, 1e-2].map((eps) => medianErrorOverEps('lp-l1', eps)));
    for (const r of c) {
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(100);
    }
  });
});
