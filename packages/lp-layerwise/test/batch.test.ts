import { createBatchProblem, createProblem, gaussianVector, Generator, Matrix, MatrixOperator, norm2, relativeError, residualOf, Rng, solve } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

describe('batches', () => {
  const generator = Generator.random([20, 100, 300], { seed: 12 });
  const rng = new Rng(3);
  const latents = Array.from({ length: 8 }, () => gaussianVector(rng, 20));
  const batch = createBatchProblem({ generator, observation: Matrix.fromRows(latents.map((z) => Array.from(generator.forward(z)))) });

  it('in this thread, one model per layer re-solved for every item: all exact', async () => {
    const results = await solve(batch, 'lp-linf', { fastPath: false, workers: 1 });
    expect(results).toHaveLength(8);
    results.forEach((r, i) => {
      expect(r.status).toBe('converged');
      expect(relativeError(r.latent, latents[i])).toBeLessThanOrEqual(1e-8);
      expect(r.info?.ranIn).toBe('thread');
    });
  });

  it('over 2 pooled worker threads (the core batch worker): same latents, in order', async () => {
    const results = await solve(batch, 'lp-l1', { fastPath: false, workers: 2 });
    expect(results).toHaveLength(8);
    results.forEach((r, i) => {
      expect(r.solver).toBe('lp-l1');
      // Not silently in this thread (that happens when dist/worker.js is missing: build first).
      expect(r.info?.ranIn).toBe('workers');
      expect(relativeError(r.latent, latents[i])).toBeLessThanOrEqual(1e-8);
    });
  });
});

describe('general measurements through projected gradient', () => {
  it('a Gaussian 150×300 matrix on a 10-100-300 net: relative latent error ≤ 1e-4', async () => {
    const g = Generator.random([10, 100, 300], { seed: 2 });
    const r0 = new Rng(5);
    const z = gaussianVector(r0, 10);
    const A = new MatrixOperator(new Matrix(150, 300, gaussianVector(r0, 150 * 300, 1 / Math.sqrt(150))));
    const r = await solve(createProblem({ generator: g, measurement: A, observation: A.apply(g.forward(z)) }), 'lp-linf', { step: 1, maxIterations: 40 });
    expect(r.latent.every(Number.isFinite)).toBe(true);
    expect(relativeError(r.latent, z)).toBeLessThanOrEqual(1e-4);
    expect(r.info?.step).toBe(1);
  });

  it('a step far too large: the iterates blow up, and the run ends diverged early with the best iterate', async () => {
    const g = Generator.random([10, 100, 300], { seed: 2 });
    const r0 = new Rng(5);
    const z = gaussianVector(r0, 10);
    const A = new MatrixOperator(new Matrix(150, 300, gaussianVector(r0, 150 * 300, 1 / Math.sqrt(150))));
    const y = A.apply(g.forward(z));
    const r = await solve(createProblem({ generator: g, measurement: A, observation: y }), 'lp-linf', { step: 3, maxIterations: 200 });
    expect([r.status, r.success]).toEqual(['diverged', false]);
    expect(r.iterations).toBeLessThan(20);
    const [, grew, best] = /grew to (\S+) by iteration \d+, more than 10× the best (\S+),/.exec(r.message) ?? [];
    expect(Number(grew)).toBeGreaterThan(10 * Number(best));
    // The answer is the best iterate (at worst x = 0, the start), not the one that blew up.
    const returned = norm2(residualOf(A, y, g.forward(r.latent)));
    expect(returned).toBeLessThanOrEqual(norm2(y) * (1 + 1e-12));
    expect(returned).toBeCloseTo(Number(best), 2);
  });
});

describe('projected gradient defaults (adaptive step, Gauss–Newton polish)', () => {
  /** The realizable case of the issue: 10-200-500 net, m = 120 N(0, 1/m) measurements, no noise. */
  function realizableCs() {
    const g = Generator.random([10, 200, 500], { seed: 3 });
    const rng = new Rng(50);
    const z = gaussianVector(rng, 10);
    const A = new MatrixOperator(new Matrix(120, 500, gaussianVector(rng, 120 * 500, 1 / Math.sqrt(120))));
    return { z, problem: createProblem({ generator: g, measurement: A, observation: A.apply(g.forward(z)) }) };
  }

  it('realizable 10-200-500 net, Gaussian 120×500 (N(0, 1/m)): exact latent with default options', async () => {
    const { problem, z } = realizableCs();
    const r = await solve(problem, 'lp-linf');
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, z)).toBeLessThanOrEqual(1e-8);
    // The adaptive step is 1/(mean ‖A·G(z)‖²/‖G(z)‖²) ≈ 1 here, far above the old 1/‖A‖² ≈ 0.1.
    expect(r.info?.firstStep).toBeGreaterThan(0.7);
    expect(r.info?.firstStep).toBeLessThan(1.4);
  });

  it('without the polish the same problem is not solved exactly (the polish does the last mile)', async () => {
    const { problem, z } = realizableCs();
    const r = await solve(problem, 'lp-linf', { polishSteps: 0, maxIterations: 10 });
    expect(relativeError(r.latent, z)).toBeGreaterThan(1e-6);
  });

  it('lp-l1 whose first projection is G(ẑ) = 0 restarts from a point of the range and recovers z exactly', async () => {
    const { problem, z } = realizableCs();
    const r = await solve(problem, 'lp-l1');
    expect(r.info?.zeroRestarts).toBeGreaterThanOrEqual(1);
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, z)).toBeLessThanOrEqual(1e-8);
    // Stopped at that zero fixed point (one iteration) it is not reported as converged.
    const stuck = await solve(problem, 'lp-l1', { maxIterations: 1 });
    expect([stuck.status, stuck.success]).toEqual(['max_iterations', false]);
  });
});
