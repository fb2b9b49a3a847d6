// PLUGIn answers an abort within 200 ms of the signal in this thread and 500 ms in worker threads,
// with status aborted and each column's latest finite iterate (moved from the start point).
import { createBatchProblem, Matrix, now, solve, type Problem, type Result } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { instance } from './instances.js';

// tol 0 never converges, so only the signal ends a run.
const ENDLESS = { tol: 0, batchTol: 0, maxIterations: 1e9 };
const { problem, generator } = instance([10, 150, 200], 7, { noise: 0.05 });

/** Solves, and aborts 50 ms after every chunk (`chunks` halves of the batch) has reported progress. */
async function solveThenAbort(target: Problem | ReturnType<typeof createBatchProblem>, options: Record<string, unknown>, chunks: number): Promise<{ results: Result[]; lagMs: number }> {
  const controller = new AbortController();
  let firedAt = -1;
  let scheduled = false;
  const reported = new Set<number>();
  const out = await solve(target as Problem, 'plugin', { ...ENDLESS, ...options }, {
    signal: controller.signal,
    onProgress: (p) => {
      reported.add(Math.floor((p.item * chunks) / p.items));
      if (scheduled || reported.size < chunks) return;
      scheduled = true;
      setTimeout(() => {
        firedAt = now();
        controller.abort();
      }, 50);
    },
  });
  return { results: Array.isArray(out) ? out : [out], lagMs: now() - firedAt };
}

describe('PLUGIn answers an abort promptly with its latest latents', () => {
  const cases = [
    ['a single problem in this thread', problem, { workers: 1 }, 200, 1],
    ['a batch of 16 in this thread (tfjs)', 'batch', { workers: 1 }, 200, 16],
    // 16 per thread, so each chunk runs on tfjs too (smaller chunks are solved one by one, and items not yet started keep their start point).
    ['a batch of 32 in two worker threads', 'batch', { workers: 2 }, 500, 32],
  ] as const;
  for (const [name, target, options, limitMs, B] of cases) {
    it(name, async () => {
      const rows = Array.from({ length: B }, (_, b) => problem.observation.map((v, i) => v * (1 + 0.01 * Math.cos(b + i))));
      const input = target === 'batch' ? createBatchProblem({ generator, observation: Matrix.fromRows(rows) }) : target;
      const { results, lagMs } = await solveThenAbort(input, options, options.workers);
      expect(lagMs).toBeLessThan(limitMs);
      expect(results).toHaveLength(B);
      for (const r of results) {
        expect(r.status).toBe('aborted');
        expect(r.iterations).toBeGreaterThan(0);
        expect(r.latent.every(Number.isFinite)).toBe(true);
        expect(r.latent.some((v) => v !== 0)).toBe(true); // PLUGIn starts at zero
      }
    });
  }
});
