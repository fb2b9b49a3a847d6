import { boxVector, createBatchProblem, createProblem, gaussianVector, Generator, Matrix, now, relativeError, Rng, solve } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

describe('a cancelled batch still returns one result per observation', () => {
  const generator = Generator.random([10, 60, 150], { seed: 21 });
  const rng = new Rng(4);
  const latents = Array.from({ length: 6 }, () => gaussianVector(rng, 10));
  const batch = createBatchProblem({ generator, observation: Matrix.fromRows(latents.map((z) => Array.from(generator.forward(z)))) });

  it('in this thread, aborted after the second item: 6 results, 2 solved, 4 aborted with finite latents', async () => {
    const controller = new AbortController();
    const results = await solve(batch, 'lp-linf', { fastPath: false, workers: 1 }, {
      signal: controller.signal,
      // onItem, not onProgress: progress is paced by the clock, items are reported one by one.
      onItem: (index) => {
        if (index === 1) controller.abort();
      },
    });
    expect(results).toHaveLength(6);
    results.slice(0, 2).forEach((r, i) => {
      expect(r.status).toBe('converged');
      expect(relativeError(r.latent, latents[i])).toBeLessThanOrEqual(1e-8);
    });
    for (const r of results.slice(2)) {
      expect(r.status).toBe('aborted');
      expect(r.success).toBe(false);
      expect(r.message).toMatch(/aborted before item \d of 6/);
      expect(r.latent).toHaveLength(10);
      expect(r.latent.every(Number.isFinite)).toBe(true);
      expect(r.reconstruction).toHaveLength(150);
    }
  });

  it('over worker threads with the signal already aborted: 6 aborted results, no rejection', async () => {
    const controller = new AbortController();
    controller.abort();
    const results = await solve(batch, 'lp-l1', { workers: 2 }, { signal: controller.signal });
    expect(results).toHaveLength(6);
    for (const r of results) {
      expect(r.status).toBe('aborted');
      expect(r.latent.every(Number.isFinite)).toBe(true);
      expect(r.info?.ranIn).toBe('workers');
    }
  });
});

describe('a single solve in this thread is abortable mid-LP', () => {
  for (const name of ['lp-linf', 'lp-l1']) {
    it(`${name}: a signal fired while HiGHS runs ends the solve soon after, status aborted, a finite latent`, async () => {
      // A noisy 20-250-600 net, LP only: several hundred milliseconds of simplex iterations.
      const generator = Generator.random([20, 250, 600], { seed: 3 });
      const rng = new Rng(7);
      const y = generator.forward(gaussianVector(rng, 20));
      const e = boxVector(rng, y.length, 1e-3);
      for (let i = 0; i < y.length; i++) y[i] += e[i];
      const controller = new AbortController();
      let firedAt = 0;
      setTimeout(() => {
        firedAt = now();
        controller.abort();
      }, 30);
      const r = await solve(createProblem({ generator, observation: y, noiseLevel: 1e-3 }), name, { fastPath: false }, { signal: controller.signal });
      const late = now() - firedAt;
      expect(firedAt).toBeGreaterThan(0);
      expect(r.status).toBe('aborted');
      expect(r.success).toBe(false);
      expect(r.latent).toHaveLength(20);
      expect(r.latent.every(Number.isFinite)).toBe(true);
      // The LP yields every few simplex iterations (~50 ms unloaded); the bound is loose for a shared CI machine.
      expect(late).toBeLessThan(1000);
    });
  }
});
