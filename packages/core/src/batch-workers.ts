/**
 * Batches spread over worker threads (Node only; the tfjs-wasm and HiGHS builds are single-threaded).
 * A solver opts in with the `workersOption` spec and `solveBatchWithWorkers`: contiguous chunks of the
 * batch go to core's pooled batch worker, which imports the solver's package and solves its chunk in
 * that thread. Elsewhere (browsers, inside a worker, small batches) the batch runs in this thread.
 * Every result says where it ran in `info.ranIn`: 'workers' or 'thread'. Node modules are imported
 * through variables so that bundlers leave them out of browser builds.
 */
import { batchItem, batchToPlain, type BatchProblem, type PlainBatchProblem } from './problem.js';
import { finishResult, now, type Result } from './result.js';
import type { OptionSpec, OptionValues, Progress, SolveContext } from './solver.js';

/** The `workers` option of a solver whose batches can be spread over threads. */
export function workersOption(minItems: number): Extract<OptionSpec, { type: 'integer' }> & { default: number } {
  return {
    type: 'integer',
    default: 0,
    min: 0,
    description: `worker threads for batches in Node (0: one per CPU for batches of ${minItems} or more; 1: in this thread)`,
  };
}

/** What the batch worker receives for one chunk. */
export interface BatchChunk {
  solver: string;
  /** URL of the module that registers the solver (the solver package's built entry). */
  module: string;
  problem: PlainBatchProblem;
  options: OptionValues;
  /** Index of the chunk's first observation in the whole batch, and the batch size. */
  item: number;
  items: number;
}

/** What a batch worker reports, besides progress, when an item of its chunk is finished. */
export interface ItemDone {
  /** The item's index in the chunk. */
  done: number;
  result: Result;
}

export interface SpreadOptions {
  solver: string;
  /** The built module registering the solver, relative to `base`; `../dist/<module>` is tried too (for src/). */
  module: string;
  base: string;
  /** Batches smaller than this stay in this thread unless `workers` asks for more than one thread. */
  minItems: number;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function nodeImport<T>(name: string): Promise<T> {
  return import(/* @vite-ignore */ name) as Promise<T>;
}

/** A built file beside `base`, or in ../dist/ when `base` is a source file; undefined if neither exists. */
async function builtFile(name: string, base: string): Promise<URL | undefined> {
  const { existsSync } = await nodeImport<typeof import('node:fs')>('node:fs');
  for (const rel of [`./${name}`, `../dist/${name}`]) {
    const url = new URL(rel, base);
    if (existsSync(url)) return url;
  }
  return undefined;
}

async function workerCount(requested: number, items: number, minItems: number): Promise<number> {
  if (!isNode || requested === 1 || items < 2) return 1;
  if (requested > 1) return Math.min(requested, items);
  const { isMainThread } = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
  // Inside a worker (an experiment trial, another batch chunk) the cores are already in use.
  if (items < minItems || !isMainThread) return 1;
  const { availableParallelism } = await nodeImport<typeof import('node:os')>('node:os');
  return Math.min(availableParallelism(), items);
}

/** Marks where a batch ran: `ranIn` 'workers' (with the thread count in `workers`) or 'thread'. */
function tagged(results: Result[], ranIn: 'workers' | 'thread', workers = 1): Result[] {
  for (const r of results) r.info = ranIn === 'workers' ? { ...r.info, ranIn, workers } : { ...r.info, ranIn };
  return results;
}

/**
 * Results for items [from, to) of a cancelled batch: status aborted, zero latent, so a batch always has
 * B results. Messages number items from `context.item` of `context.items` (a chunk of a larger batch).
 */
export function abortedResults(solver: string, batch: BatchProblem, from = 0, to = batch.observations.rows, context: SolveContext = {}): Result[] {
  const out: Result[] = [];
  const first = context.item ?? 0;
  const items = context.items ?? batch.observations.rows;
  for (let i = from; i < to; i++) {
    const latent = new Float64Array(batch.generator.inputDim);
    const message = `aborted before item ${first + i} of ${items} was solved; the latent is zeros`;
    out.push(finishResult(solver, batchItem(batch, i), { status: 'aborted', message, latent, iterations: 0 }, now()));
  }
  return out;
}

/**
 * Solves `batch` in pooled worker threads, one contiguous chunk per thread, or with `inThread` when
 * threads do not apply (or the built solver module is missing, which the `ranIn` tag shows). The
 * solvers' progress reports are relayed from the threads. An abort reaches the solver in every thread,
 * so running chunks return what they have (status aborted, latest latents) as in one thread; of a chunk
 * that does not answer within the grace period, the items it had finished are kept (a chunk solved one
 * by one sends each as it is done) and the rest are reported aborted with a zero latent.
 */
export async function solveBatchWithWorkers(
  batch: BatchProblem,
  options: OptionValues,
  context: SolveContext,
  spread: SpreadOptions,
  inThread: () => Promise<Result[]>,
): Promise<Result[]> {
  const items = batch.observations.rows;
  const workers = await workerCount((options.workers as number | undefined) ?? 0, items, spread.minItems);
  const worker = workers > 1 ? await builtFile('batch-worker.js', import.meta.url) : undefined;
  const module = worker ? await builtFile(spread.module, spread.base) : undefined;
  if (!worker || !module) return tagged(await inThread(), 'thread');

  const { mapInWorkers } = await nodeImport<typeof import('./workers.js')>('@inv/core/node');
  const offset = context.item ?? 0;
  const total = context.items ?? items;
  const bounds = Array.from({ length: workers }, (_, w) => [Math.floor((w * items) / workers), Math.floor(((w + 1) * items) / workers)]);
  const chunks: BatchChunk[] = bounds.map(([from, to]) => ({
    solver: spread.solver,
    module: module.href,
    problem: batchToPlain(batch, from, to),
    options: { ...options, workers: 1 },
    item: offset + from,
    items: total,
  }));
  const finished: (Result[] | undefined)[] = chunks.map(() => undefined);
  /** Items of each chunk already finished, for chunks that are cut short. */
  const partial: Result[][] = chunks.map(() => []);
  try {
    const parts = await mapInWorkers<BatchChunk, Result[]>(worker, chunks, {
      workers,
      signal: context.signal,
      // Solvers number items from context.item, so a chunk's reports already carry whole-batch indices.
      onProgress: (progress, index) => {
        const item = progress as Partial<ItemDone>;
        if (item.result !== undefined && item.done !== undefined) partial[index][item.done] = item.result;
        else context.onProgress?.(progress as Progress);
      },
      onResult: (part, index) => {
        finished[index] = part;
      },
    });
    return tagged(parts.flat(), 'workers', workers);
  } catch (e) {
    if (!context.signal?.aborted) throw e;
    return tagged(
      bounds.flatMap(([from, to], w) =>
        finished[w] ?? Array.from({ length: to - from }, (_, i) => partial[w][i] ?? abortedResults(spread.solver, batch, from + i, from + i + 1, context)[0]),
      ),
      'workers',
      workers,
    );
  }
}
