import { describe, expect, it } from 'vitest';
import { gaussianVector, MaskOperator, Matrix, MatrixOperator, relativeError, sigmoid, solve, type Rng } from '@inv/core';
import '../src/index.js';
import { instance } from './instances.js';

/** m of the n outputs, chosen at random. */
function randomMask(m: number) {
  return (n: number, rng: Rng) => {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return new MaskOperator(n, idx.slice(0, m).sort((a, b) => a - b));
  };
}

/** Φ with i.i.d. N(0, 1/m) entries (PLUGIn-CS). */
function gaussianMatrix(m: number) {
  return (n: number, rng: Rng) => new MatrixOperator(new Matrix(m, n, gaussianVector(rng, m * n, 1 / Math.sqrt(m))));
}

// d = 3, n_0 = 20: 2^d·n_0 = 160. A mask of 400 and a Gaussian Φ with m = 800 (4-5x that) recover on
// every seed tried; a Gaussian Φ with m = 300 does not always (PLUGIn-CS needs m ≳ 2^d·n_0 up to logs).
describe('PLUGIn with a measurement Φ', () => {
  it('recovers exactly from a random mask of 400 of 500 outputs', async () => {
    for (let seed = 0; seed < 3; seed++) {
      const { problem, truth } = instance([20, 600, 500, 500], seed, { measurement: randomMask(400) });
      const r = await solve(problem, 'plugin');
      expect(r.status).toBe('converged');
      expect(relativeError(r.latent, truth)).toBeLessThanOrEqual(1e-9);
      // The measured gain follows the fraction observed: γ ≈ (m/n)·2^-d, so the step grows by n/m.
      expect(r.info!.gain).toBeGreaterThan(0.8 * (400 / 500) / 8);
      expect(r.info!.gain).toBeLessThan(1.2 * (400 / 500) / 8);
    }
  });

  it('recovers exactly from m = 800 Gaussian measurements of a 20-500-500-1000 net', async () => {
    for (let seed = 0; seed < 3; seed++) {
      const { problem, truth } = instance([20, 500, 500, 1000], seed, { measurement: gaussianMatrix(800) });
      const r = await solve(problem, 'plugin');
      expect(r.status).toBe('converged');
      expect(relativeError(r.latent, truth)).toBeLessThanOrEqual(1e-9);
    }
  });

  it('takes Gaussian measurements of any scale: N(0, 1) entries only change the measured gain', async () => {
    const scaled = (n: number, rng: Rng) => new MatrixOperator(new Matrix(800, n, gaussianVector(rng, 800 * n, 1)));
    const { problem, truth } = instance([20, 500, 500, 1000], 4, { measurement: scaled });
    const r = await solve(problem, 'plugin');
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, truth)).toBeLessThanOrEqual(1e-9);
    expect(r.info!.stepHalvings).toBe(0);
    // E⟨ΦWu, ΦG(u)⟩ = m·2^-d·‖u‖² for N(0, 1) entries: the step shrinks by m instead of diverging.
    expect(r.info!.gain).toBeGreaterThan(0.8 * 800 / 8);
    expect(r.info!.gain).toBeLessThan(1.2 * 800 / 8);
  });

  it('inverts a sigmoid output through a mask, and runs on G itself under a dense Φ', async () => {
    const masked = instance([20, 500, 500], 8, { measurement: randomMask(400), net: { outputActivation: sigmoid } });
    const r = await solve(masked.problem, 'plugin');
    expect(r.info!.outputInverted).toBe(true);
    expect(relativeError(r.latent, masked.truth)).toBeLessThanOrEqual(1e-9);
    const dense = instance([20, 500, 500], 8, { measurement: gaussianMatrix(300), net: { outputActivation: sigmoid } });
    const r2 = await solve(dense.problem, 'plugin');
    expect(r2.info!.outputInverted).toBe(false);
    expect(Number.isFinite(r2.residual)).toBe(true);
    expect(r2.latent.every(Number.isFinite)).toBe(true);
  });
});
