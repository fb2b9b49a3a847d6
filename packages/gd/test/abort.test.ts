// An abort is answered promptly with the latest iterates: within 200 ms of the signal in this thread
// and 500 ms in worker threads, status aborted, every latent finite and moved from its start point.
import { createBatchProblem, createProblem, Matrix, now, solve, type Progress, type Result } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { instance } from './helpers.js';

// Adam with a small rate on a noisy observation never converges: only the signal ends these runs.
const SLOW = { optimizer: 'adam', learningRate: 1e-4, maxIterations: 100_000_000, tol: 0, negationCheck: false, init: 'given' } as const;
const { problem: clean } = instance([8, 120, 300], 5);
const noisy = (b: number) => clean.observation.map((v, i) => v + 0.05 * Math.sin(i + b));
const start = Float64Array.from({ length: 8 }, (_, i) => 0.1 * (i + 1));

/**
 * Solves until each of `chunks` parts of the batch (one per thread) has reported progress, aborts 50 ms
 * later, and returns the results and how long after the abort they came.
 */
async function abortedRun(chunks: number, run: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<Result | Result[]>): Promise<{ results: Result[]; lagMs: number }> {
  const controller = new AbortController();
  let abortedAt = -1;
  const reported = new Set<number>();
  const onProgress = (p: Progress) => {
    reported.add(Math.floor((p.item * chunks) / p.items));
    if (reported.size < chunks || abortedAt !== -1) return;
    abortedAt = 0;
    setTimeout(() => {
      abortedAt = now();
      controller.abort();
    }, 50);
  };
  const out = await run(controller.signal, onProgress);
  return { results: Array.isArray(out) ? out : [out], lagMs: now() - abortedAt };
}

function expectLatestLatents(results: Result[], lagMs: number, limitMs: number): void {
  if (process.env.INV_SHOW_LAG) console.log(`abort answered after ${lagMs.toFixed(1)} ms`);
  expect(lagMs).toBeGreaterThanOrEqual(0);
  expect(lagMs).toBeLessThan(limitMs);
  for (const r of results) {
    expect(r.status).toBe('aborted');
    expect(r.latent.every(Number.isFinite)).toBe(true);
    expect(r.iterations).toBeGreaterThan(0);
    expect(Array.from(r.latent)).not.toEqual(Array.from(start));
  }
}

describe('gd answers an abort promptly with its latest latents', () => {
  it('a single problem, in this thread', async () => {
    const problem = createProblem({ generator: clean.generator, observation: noisy(0) });
    const { results, lagMs } = await abortedRun(1, (signal, onProgress) => solve(problem, 'gd', { ...SLOW, initialLatent: start }, { signal, onProgress }));
    expectLatestLatents(results, lagMs, 200);
  });

  for (const [where, workers, limitMs] of [['in this thread (tfjs)', 1, 200], ['in two worker threads', 2, 500]] as const) {
    it(`a batch of 16, ${where}`, async () => {
      const batch = createBatchProblem({ generator: clean.generator, observation: Matrix.fromRows(Array.from({ length: 16 }, (_, b) => noisy(b))) });
      const { results, lagMs } = await abortedRun(workers, (signal, onProgress) => solve(batch, 'gd', { ...SLOW, initialLatent: start, workers }, { signal, onProgress }));
      expect(results).toHaveLength(16);
      expect(results.every((r) => r.info?.ranIn === (workers > 1 ? 'workers' : 'thread'))).toBe(true);
      expectLatestLatents(results, lagMs, limitMs);
    });
  }
});
