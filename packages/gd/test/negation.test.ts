/**
 * The negation check of Huang, Hand, Heckel and Voroninski (docs/algorithms.md): plain gradient descent
 * can settle in the spurious basin near −ρ·z*; comparing f(−z) with f(z) at every iterate removes it.
 */
import { describe, expect, it } from 'vitest';
import { relativeError, solve } from '@inv/core';
import '../src/index.js';
import { instance } from './helpers.js';

const SEEDS = Array.from({ length: 40 }, (_, s) => s);

/** Successes (relative latent error < 1e-3) over 40 seeded noiseless denoising problems. */
async function successes(widths: number[], options: Record<string, unknown>): Promise<number> {
  let ok = 0;
  for (const seed of SEEDS) {
    const { problem, truth } = instance(widths, seed);
    const result = await solve(problem, 'gd', { seed, ...options });
    if (relativeError(result.latent, truth) < 1e-3) ok++;
  }
  return ok;
}

// Plain GD as in docs/algorithms.md: a fixed step of 2^d/4 on ½‖G(z) − y‖², i.e. 2^d/8 on our ‖G(z) − y‖².
// Without the retries after a stop that does not fit and the Gauss–Newton polish, which would rescue it.
const alone = { retries: 0, polishSteps: 0 };
const plain = (depth: number) => ({ step: 2 ** depth / 8, negationCheck: false, maxIterations: 1500, ...alone });

describe('negation check', () => {
  it('2-100-500 nets: the default succeeds in at least 39 of 40, plain GD fails more often', async () => {
    const withCheck = await successes([2, 100, 500], {});
    const without = await successes([2, 100, 500], plain(2));
    expect(withCheck).toBeGreaterThanOrEqual(39);
    expect(without).toBeLessThan(withCheck);
  });

  it('1-100-500 nets (docs/algorithms.md #23: 19/40 without, 40/40 with): the check turns many failures into successes', async () => {
    const withCheck = await successes([1, 100, 500], {});
    const without = await successes([1, 100, 500], plain(2));
    const withoutDefaultStep = await successes([1, 100, 500], { negationCheck: false, ...alone });
    expect(withCheck).toBe(40);
    expect(without).toBeLessThanOrEqual(34);
    expect(withoutDefaultStep).toBeLessThanOrEqual(34);
  });

  it('the check reports the flips it made', async () => {
    // Seed 1 of the 1-100-500 family starts in the wrong basin (plain GD fails on it).
    const { problem, truth } = instance([1, 100, 500], 1);
    const plainResult = await solve(problem, 'gd', { seed: 1, negationCheck: false, ...alone });
    const checked = await solve(problem, 'gd', { seed: 1 });
    expect(relativeError(plainResult.latent, truth)).toBeGreaterThan(0.1);
    expect(relativeError(checked.latent, truth)).toBeLessThan(1e-6);
    expect(checked.info?.negations).toBeGreaterThanOrEqual(1);
    // The verdict: the wrong basin fits nothing, so plain GD's stop there is no_fit; the checked one is a success.
    expect([plainResult.status, plainResult.success]).toEqual(['no_fit', false]);
    expect([checked.status, checked.success]).toEqual(['converged', true]);
  });
});
