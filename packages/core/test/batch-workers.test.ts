import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batchFromPlain, batchToPlain, createBatchProblem, Generator, MaskOperator, Matrix, MatrixOperator, operatorFromPlain, operatorToPlain,
  Rng, solve,
} from '../src/index.js';

/**
 * A solver package in one file, as a contributor would write it: its batches go through core's
 * `solveBatchWithWorkers`. Item i's latent is [global item index, thread id]; items with index ≥
 * `slowFrom` take `delayMs`, cut short by an abort unless `deaf` (for the abort tests).
 */
function toySolverModule(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'inv-core-')), 'toy-solver.mjs');
  const core = JSON.stringify(new URL('../dist/index.js', import.meta.url).href);
  writeFileSync(
    path,
    `import { threadId } from 'node:worker_threads';
import { finishResult, now, registerSolver, solveBatchWithWorkers, solveOneByOne, workersOption } from ${core};
const toy = {
  name: 'toy-threads', summary: 'test solver', reference: 'none',
  supports: { hidden: ['relu'], output: ['relu', 'linear'], measurements: 'any', biases: false },
  options: { workers: workersOption(4), slowFrom: { type: 'integer', default: 1000000, description: 'x' }, delayMs: { type: 'integer', default: 0, description: 'x' }, deaf: { type: 'boolean', default: false, description: 'ignore aborts' } },
  async solve(problem, options, context) {
    const item = context.item ?? 0;
    context.onProgress?.({ item: 0, items: 1, iteration: 1 });
    if (item >= options.slowFrom && !context.signal?.aborted) {
      await new Promise((r) => {
        const timer = setTimeout(r, options.delayMs);
        if (!options.deaf) context.signal?.addEventListener('abort', () => { clearTimeout(timer); r(); });
      });
    }
    const status = context.signal?.aborted ? 'aborted' : 'converged';
    return finishResult('toy-threads', problem, { status, message: problem.measurement.describe(), latent: [item, threadId], iterations: context.items ?? 1 }, now());
  },
  solveBatch(problem, options, context) {
    return solveBatchWithWorkers(problem, options, context, { solver: 'toy-threads', module: 'toy-solver.mjs', base: import.meta.url, minItems: 4 },
      () => solveOneByOne(toy, problem, options, context));
  },
};
registerSolver(toy);
`,
  );
  return path;
}


/**
 * The toy's latents are arbitrary, so by default the batch states a noise large enough for any of them
 * to fit: these tests are about threads; the last one is about the verdict in threads.
 */
function batchOf(B: number, measurement?: MaskOperator, noiseNorm: number | null = 1e6) {
  const generator = Generator.random([2, 6], { seed: 1 });
  const m = measurement?.rows ?? 6;
  const Y = new Matrix(B, m, Float64Array.from({ length: B * m }, (_, i) => i % 7));
  return createBatchProblem({ generator, measurement, observation: Y, noiseNorm: noiseNorm ?? undefined });
}

describe('batches over worker threads', () => {
  beforeAll(async () => {
    await import(pathToFileURL(toySolverModule()).href);
  });

  it('solves contiguous chunks in other threads, in order, with global item indices', async () => {
    const batch = batchOf(9, new MaskOperator(6, [0, 2, 5]));
    const results = await solve(batch, 'toy-threads', { workers: 2 });
    expect(results.map((r) => r.latent[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(results.map((r) => r.iterations)).toEqual(Array(9).fill(9));
    const threads = new Set(results.map((r) => r.latent[1]));
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false); // 0 is the main thread
    expect(results[0].latent[1]).toBe(results[3].latent[1]); // items 0–3 form the first chunk
    expect(results[0].latent[1]).not.toBe(results[4].latent[1]);
    expect(results.map((r) => [r.info?.ranIn, r.message])).toEqual(Array(9).fill(['workers', 'mask 3/6']));
  });

  it('stays in this thread for workers: 1 and below minItems', async () => {
    for (const [B, options] of [[9, { workers: 1 }], [3, {}]] as const) {
      const results = await solve(batchOf(B), 'toy-threads', options);
      expect(results.every((r) => r.info?.ranIn === 'thread' && r.latent[1] === 0)).toBe(true);
    }
    expect((await solve(batchOf(4), 'toy-threads'))[0].info?.ranIn).toBe('workers');
  });

  it('relays progress with whole-batch item numbers, and an abort reaches the solver in each thread', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const results = await solve(batchOf(6), 'toy-threads', { workers: 2, slowFrom: 3, delayMs: 60_000 }, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.item);
        expect(p.items).toBe(6);
        if (p.item === 3) controller.abort(); // item 3 is waiting in the second thread
      },
    });
    expect(seen).toEqual(expect.arrayContaining([0, 1, 2, 3]));
    expect(results.map((r) => r.status)).toEqual(['converged', 'converged', 'converged', 'aborted', 'aborted', 'aborted']);
    // The second chunk stopped and answered: its latents are the solver's, not zeros.
    expect(results.slice(3).map((r) => r.latent[0])).toEqual([3, 4, 5]);
    expect(results[3].latent[1]).toBeGreaterThan(0);
  });

  /** A batch of 6 in two threads whose item `slowFrom` hangs ignoring the abort, aborted when that item starts. */
  async function deafRun(slowFrom: number) {
    const controller = new AbortController();
    return solve(batchOf(6), 'toy-threads', { workers: 2, slowFrom, delayMs: 60_000, deaf: true }, {
      signal: controller.signal,
      onProgress: (p) => p.item === slowFrom && controller.abort(),
    });
  }

  it('reports a chunk that ignores the abort past the grace period as aborted, with zero latents', async () => {
    const results = await deafRun(3);
    expect(results.map((r) => r.status)).toEqual(['converged', 'converged', 'converged', 'aborted', 'aborted', 'aborted']);
    expect(results.slice(3).map((r) => Array.from(r.latent))).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(results[4].message).toMatch(/aborted before item 4 of 6/);
  });

  it('keeps the items a cut-short chunk had finished: only the unfinished ones get zero latents', async () => {
    // The second thread finishes item 3, then hangs on item 4 ignoring the abort.
    const results = await deafRun(4);
    expect(results.map((r) => r.status)).toEqual(['converged', 'converged', 'converged', 'converged', 'aborted', 'aborted']);
    expect(results[3].latent[0]).toBe(3);
    expect(results[3].latent[1]).toBeGreaterThan(0); // solved in a worker thread
    expect(results.slice(4).map((r) => Array.from(r.latent))).toEqual([[0, 0], [0, 0]]);
  });

  it('judges results from threads as results from this thread: a converged toy answer that does not fit is no_fit', async () => {
    for (const workers of [2, 1]) {
      const results = await solve(batchOf(6, undefined, null), 'toy-threads', { workers });
      expect(results.map((r) => r.info?.ranIn)).toEqual(Array(6).fill(workers > 1 ? 'workers' : 'thread'));
      for (const r of results) {
        expect(r.status).toBe('no_fit');
        expect(r.success).toBe(false);
        expect(r.fit.ok).toBe(false);
        expect(r.fit.residual).toBeGreaterThan(r.fit.allowed);
        expect(r.message).toMatch(/^stopped by its own rule \(identity 6\) at a point that does not fit/);
      }
      // In this thread item 0's latent is [0, 0], which a bias-free net maps to 0: ρ = ‖y_0‖ = ‖(0, 1, …, 5)‖.
      if (workers === 1) expect(results[0].fit.residual).toBeCloseTo(Math.hypot(0, 1, 2, 3, 4, 5), 12);
    }
    const loud = await solve(batchOf(6, undefined, 2e6), 'toy-threads', { workers: 2 });
    expect(loud.map((r) => [r.status, r.success, r.fit.noise])).toEqual(Array(6).fill(['converged', true, 2e6]));
  });

  it('sends problems as plain data: identity, masks and matrices survive the round trip', () => {
    const rng = new Rng(3);
    const dense = new MatrixOperator(new Matrix(2, 6, Float64Array.from({ length: 12 }, () => rng.normal())));
    for (const A of [undefined, new MaskOperator(6, [1, 4]), dense]) {
      const batch = batchOf(5, A as MaskOperator | undefined);
      const back = batchFromPlain(structuredClone(batchToPlain(batch, 1, 4)));
      expect(back.observations.rows).toBe(3);
      expect(Array.from(back.observations.data)).toEqual(Array.from(batch.observations.data.slice(batch.observations.cols, 4 * batch.observations.cols)));
      expect(back.measurement.describe()).toBe(batch.measurement.describe());
      const x = Float64Array.from({ length: 6 }, (_, i) => i - 2);
      expect(Array.from(back.measurement.apply(x))).toEqual(Array.from(batch.measurement.apply(x)));
      expect(Array.from(back.generator.forward([0.3, -1]))).toEqual(Array.from(batch.generator.forward([0.3, -1])));
    }
    expect(operatorFromPlain(operatorToPlain(dense)).kind).toBe('matrix');
    const stated = createBatchProblem({ generator: Generator.random([2, 6], { seed: 1 }), observation: new Matrix(2, 6), noiseLevel: 0.1, noiseNorm: 0.3, verdict: { tol: 1e-6 } });
    const back = batchFromPlain(structuredClone(batchToPlain(stated)));
    expect([back.noiseLevel, back.noiseNorm, back.verdict]).toEqual([0.1, 0.3, { tol: 1e-6 }]);
  });
});
