/** Worker-thread entry for `solveBatchWithWorkers` (Node only): solves one chunk of a batch per task. */
import type { BatchChunk, ItemDone } from './batch-workers.js';
import { batchFromPlain } from './problem.js';
import type { Result } from './result.js';
import { solveUnjudged } from './solver.js';
import { serveWorker } from './workers.js';

serveWorker(async (chunk: BatchChunk, { signal, report }) => {
  // Registers the solver in this thread (a module is evaluated once, so later chunks skip this).
  await import(chunk.module);
  // Finished items travel as they finish (as `ItemDone`), so they survive if this thread is cut short.
  const onItem = (index: number, result: Result) => report({ done: index, result } satisfies ItemDone);
  // Unjudged: the caller's `solve` judges the whole batch once (docs/verdict.md).
  return solveUnjudged(batchFromPlain(chunk.problem), chunk.solver, chunk.options, { item: chunk.item, items: chunk.items, signal, onProgress: report, onItem });
});
