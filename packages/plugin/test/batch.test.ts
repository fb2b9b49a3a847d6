import { describe, expect, it } from 'vitest';
import { createBatchProblem, gaussianVector, Generator, MaskOperator, Matrix, MatrixOperator, relativeError, Rng, solve, type LinearOperator, type Result } from '@inv/core';
import { TF_BATCH_MIN, WORKER_BATCH_MIN } from '../src/index.js';
import { instance } from './instances.js';

/** B observations of one 20-300-300 ReLU net (small, so the float64 reference solves stay quick). */
function batchOf(B: number, widths = [20, 300, 300]) {
  const generator = Generator.random(widths, { seed: 11 });
  const items = Array.from({ length: B }, (_, b) => instance(widths, b, { generator }));
  const Y = new Matrix(B, generator.outputDim);
  items.forEach((it, b) => Y.data.set(it.problem.observation, b * generator.outputDim));
  return { generator, items, batch: createBatchProblem({ generator, observation: Y }) };
}

describe('batch mode', () => {
  it('tfjs batch results equal float64 single results within float32 precision', async () => {
    const { items, batch } = batchOf(24);
    expect(items.length).toBeGreaterThanOrEqual(TF_BATCH_MIN);
    const results = await solve(batch, 'plugin');
    expect(results).toHaveLength(24);
    let agreeing = 0;
    for (let b = 0; b < items.length; b++) {
      const single = await solve(items[b].problem, 'plugin');
      expect(results[b].info!.batch).toBe(24);
      expect(results[b].latent.every(Number.isFinite)).toBe(true);
      // float32 forward passes: relative agreement ~1e-4 (batchTol 1e-5 times the contraction constant).
      const gap = relativeError(results[b].latent, single.latent);
      if (single.status === 'converged' && relativeError(single.latent, items[b].truth) < 1e-9) {
        expect(results[b].status, `item ${b}`).toBe('converged');
        expect(gap, `item ${b}`).toBeLessThan(1e-3);
        agreeing++;
      }
    }
    // Items where PLUGIn itself stalls at a wrong fixed point are compared only on finiteness above.
    expect(agreeing).toBeGreaterThanOrEqual(20);
  });

  it('stops every column on its own', async () => {
    const { batch } = batchOf(20);
    const results = await solve(batch, 'plugin');
    const iterations = new Set(results.map((r: Result) => r.iterations));
    expect(iterations.size).toBeGreaterThan(3);
    for (const r of results) expect(r.iterations).toBeLessThan(10000);
  });

  it('solves small batches item by item in float64, identical to single solves', async () => {
    const { items, batch } = batchOf(3);
    const results = await solve(batch, 'plugin');
    for (let b = 0; b < 3; b++) {
      const single = await solve(items[b].problem, 'plugin');
      expect(Array.from(results[b].latent)).toEqual(Array.from(single.latent));
      expect(results[b].info!.batch).toBeUndefined();
    }
  });

  it('gives batch item i the random start of seed + i', async () => {
    const { items, batch } = batchOf(2);
    const results = await solve(batch, 'plugin', { init: 'random', seed: 5, maxIterations: 3 });
    const second = await solve(items[1].problem, 'plugin', { init: 'random', seed: 6, maxIterations: 3 });
    expect(Array.from(results[1].latent)).toEqual(Array.from(second.latent));
  });

  it('spreads large batches over worker threads with the same results as one thread', async () => {
    const { batch } = batchOf(WORKER_BATCH_MIN, [10, 150, 200]);
    const options = { init: 'random', seed: 3 } as const;
    const spread = await solve(batch, 'plugin', options);
    const here = await solve(batch, 'plugin', { ...options, workers: 1 });
    expect(spread).toHaveLength(WORKER_BATCH_MIN);
    expect(new Set(spread.map((r) => r.info!.ranIn))).toEqual(new Set(['workers']));
    expect(new Set(here.map((r) => r.info!.ranIn))).toEqual(new Set(['thread']));
    for (let b = 0; b < WORKER_BATCH_MIN; b++) {
      // Same float32 products on the same columns and the same seed + i starts (item i of the whole batch).
      expect(spread[b].status, `item ${b}`).toBe(here[b].status);
      expect(relativeError(spread[b].latent, here[b].latent), `item ${b}`).toBeLessThan(1e-6);
    }
  });

  it('keeps the second half of a two-thread batch on seed + i for its global index i', async () => {
    const { items, batch } = batchOf(4);
    const results = await solve(batch, 'plugin', { init: 'random', seed: 5, maxIterations: 3, workers: 2 });
    expect(results[3].info!.ranIn).toBe('workers');
    const last = await solve(items[3].problem, 'plugin', { init: 'random', seed: 8, maxIterations: 3 });
    expect(Array.from(results[3].latent)).toEqual(Array.from(last.latent));
  });

  it('mask and Gaussian-matrix batches on tfjs agree with float64 single solves', async () => {
    const generator = Generator.random([20, 300, 300], { seed: 11 });
    const rng = new Rng(9);
    const measurements: LinearOperator[] = [
      new MaskOperator(300, Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 6 !== 0)),
      new MatrixOperator(new Matrix(200, 300, gaussianVector(rng, 200 * 300).map((v) => v / Math.sqrt(200)))),
    ];
    for (const A of measurements) {
      const items = Array.from({ length: TF_BATCH_MIN }, (_, b) => instance([20, 300, 300], b, { generator, measurement: () => A }));
      const Y = Matrix.fromRows(items.map((it) => it.problem.observation));
      const results = await solve(createBatchProblem({ generator, measurement: A, observation: Y }), 'plugin', { workers: 1 });
      let agreeing = 0;
      for (let b = 0; b < items.length; b++) {
        expect(results[b].info!.batch).toBe(TF_BATCH_MIN);
        const single = await solve(items[b].problem, 'plugin');
        if (single.status !== 'converged' || relativeError(single.latent, items[b].truth) > 1e-9) continue;
        expect(relativeError(results[b].latent, single.latent), `${A.describe()} item ${b}`).toBeLessThan(1e-3);
        agreeing++;
      }
      expect(agreeing, A.describe()).toBeGreaterThanOrEqual(TF_BATCH_MIN - 2);
    }
  });

  it('a batch in worker threads reports progress and, when aborted, returns every column with its latest latent', async () => {
    const { batch } = batchOf(WORKER_BATCH_MIN, [10, 150, 200]);
    const controller = new AbortController();
    const seen: number[] = [];
    // tol 0 never converges, so only the abort ends the run.
    const results = await solve(batch, 'plugin', { tol: 0, batchTol: 0, maxIterations: 1e9 }, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.item);
        expect(p.items).toBe(WORKER_BATCH_MIN);
        controller.abort();
      },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(results).toHaveLength(WORKER_BATCH_MIN);
    expect(results.every((r) => r.status === 'aborted' && r.info!.ranIn === 'workers')).toBe(true);
    // The chunk that reported had run at least one sweep: its columns come back moved from the zero start.
    const chunk = seen[0] < WORKER_BATCH_MIN / 2 ? results.slice(0, WORKER_BATCH_MIN / 2) : results.slice(WORKER_BATCH_MIN / 2);
    for (const r of chunk) {
      expect(r.iterations).toBeGreaterThanOrEqual(1);
      expect(r.latent.some((v) => v !== 0)).toBe(true);
    }
  });
});
