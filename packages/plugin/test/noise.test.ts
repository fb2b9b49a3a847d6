import { describe, expect, it } from 'vitest';
import { distance, solve } from '@inv/core';
import '../src/index.js';
import { instance, median } from './instances.js';

/**
 * Experiment 3 of the paper (its notebook's version): n_0 = 20, n_1 = n_2 = 400, only n_3 varies,
 * y = G(x*) + ε with ε uniform on the sphere of radius 0.1 and x* on the unit sphere.
 *
 * Step: η = 4 = θ·2^d with θ = 1/2 (d = 3), passed explicitly so that Theorem 1 applies as stated:
 * α = |1 − θ| + θ/2 = 3/4 and 15θ/(1 − α) = 30, so the bound reads
 *   ‖x^k − x*‖ ≤ (3/4)^k R + 30·2^d·√(n_0/n_d)·‖ε‖,
 * the same noise term as Corollary 1. At convergence (k in the hundreds, R ≤ 2) the first term is
 * below 1e-30.
 */
const n0 = 20;
const d = 3;
const noise = 0.1;
const widthsOut = [500, 1000, 2000, 4000];
const trials = 3;

describe('noisy recovery (Theorem 1 / Corollary 1, experiment 3)', () => {
  it('stays under the bound and the error falls as n_d/n_0 grows', async () => {
    const medians: number[] = [];
    for (const nd of widthsOut) {
      const errors: number[] = [];
      const bound = 30 * 2 ** d * Math.sqrt(n0 / nd) * noise;
      for (let t = 0; t < trials; t++) {
        const { problem, truth } = instance([n0, 400, 400, nd], 100 * nd + t, { noise });
        const r = await solve(problem, 'plugin', { step: 2 ** d / 2 });
        expect(r.status).toBe('converged');
        const err = distance(r.latent, truth);
        expect(err, `n_d = ${nd}, trial ${t}`).toBeLessThanOrEqual(bound);
        errors.push(err);
      }
      medians.push(median(errors));
    }
    // Falls with the width: every step of the sweep lowers the median error ...
    for (let i = 1; i < medians.length; i++) expect(medians[i], `n_d = ${widthsOut[i]}`).toBeLessThan(medians[i - 1]);
    // ... and roughly like √(n_0/n_d) (log-linear in the paper's plot): 8x the width, at most 0.6x the error.
    expect(medians[medians.length - 1]).toBeLessThan(0.6 * medians[0]);
    // The noise floor is well above machine precision, so these are genuine noisy solutions.
    expect(medians[medians.length - 1]).toBeGreaterThan(1e-3);
  });
});
