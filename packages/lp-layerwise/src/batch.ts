/**
 * Batches: in Node, contiguous chunks of the batch go to worker_threads (HiGHS is single-threaded),
 * each worker keeping one model per layer across its chunk; elsewhere, or for small batches, the batch
 * runs in this thread. `@inv/core/node` is imported dynamically through a variable so that bundlers
 * leave it out of browser builds. Every result says where it ran: `info.ranIn` is 'workers' or 'thread' (gd's `info.backend` names a compute backend)
 * (a missing dist/worker.js falls back to this thread, so the tag keeps that visible).
 */
import {
  type BatchProblem,
  createBatchProblem,
  Generator,
  IdentityOperator,
  type LinearOperator,
  MaskOperator,
  Matrix,
  MatrixOperator,
  type OptionValues,
  type PlainGenerator,
  type Result,
  type SolveContext,
} from '@inv/core';
import type { LpNorm } from './layer-lp.js';
import { abortedResults, solveItems } from './solve.js';

/** Below this many observations worker start-up (~0.2 s) costs more than it saves. */
export const MIN_WORKER_BATCH = 8;

type PlainOperator =
  | { kind: 'identity'; n: number }
  | { kind: 'mask'; n: number; indices: Int32Array }
  | { kind: 'matrix'; rows: number; cols: number; data: Float64Array };

/** What one worker receives: everything as structured-cloneable data. */
export interface BatchTask {
  name: string;
  norm: LpNorm;
  generator: PlainGenerator;
  measurement: PlainOperator;
  observations: { rows: number; cols: number; data: Float64Array };
  noiseLevel?: number;
  options: OptionValues;
}

function toPlainOperator(A: LinearOperator): PlainOperator {
  if (A.kind === 'identity') return { kind: 'identity', n: A.cols };
  if (A instanceof MaskOperator) return { kind: 'mask', n: A.cols, indices: A.indices };
  const M = A.toMatrix();
  return { kind: 'matrix', rows: M.rows, cols: M.cols, data: M.data };
}

function fromPlainOperator(p: PlainOperator): LinearOperator {
  if (p.kind === 'identity') return new IdentityOperator(p.n);
  if (p.kind === 'mask') return new MaskOperator(p.n, p.indices);
  return new MatrixOperator(new Matrix(p.rows, p.cols, p.data));
}

/** Runs one chunk (called inside a worker). */
export function runTask(task: BatchTask): Promise<Result[]> {
  const problem = createBatchProblem({
    generator: Generator.fromPlain(task.generator),
    measurement: fromPlainOperator(task.measurement),
    observation: new Matrix(task.observations.rows, task.observations.cols, task.observations.data),
    noiseLevel: task.noiseLevel,
  });
  return solveItems(task.name, task.norm, problem, task.options, {});
}

interface NodeCore {
  mapInWorkers<T, R>(url: URL, tasks: readonly T[], options: { workers?: number; signal?: AbortSignal; onResult?: (r: R, i: number, done: number) => void }): Promise<R[]>;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The built worker module: beside this file in dist/, or in ../dist/ when running from src/. */
async function workerUrl(): Promise<URL | undefined> {
  const fsName = 'node:fs';
  const { existsSync } = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
  for (const rel of ['./worker.js', '../dist/worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return url;
  }
  return undefined;
}

async function workerCount(requested: number, items: number): Promise<number> {
  if (!isNode || requested === 1 || items < 2) return 1;
  if (requested > 1) return Math.min(requested, items);
  if (items < MIN_WORKER_BATCH) return 1;
  const osName = 'node:os';
  const { cpus } = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
  return Math.min(cpus().length, items);
}

export type Backend = 'workers' | 'thread';

function tagged(results: Result[], backend: Backend): Result[] {
  for (const r of results) r.info = { ...r.info, ranIn: backend };
  return results;
}

export async function solveBatchLp(name: string, norm: LpNorm, batch: BatchProblem, options: OptionValues, context: SolveContext): Promise<Result[]> {
  const items = batch.observations.rows;
  const workers = await workerCount((options.workers as number) ?? 0, items);
  const url = workers > 1 ? await workerUrl() : undefined;
  if (!url) return tagged(await solveItems(name, norm, batch, options, context), 'thread');
  const coreNode = '@inv/core/node';
  const { mapInWorkers } = (await import(/* @vite-ignore */ coreNode)) as NodeCore;
  const Y = batch.observations;
  const base = { name, norm, generator: batch.generator.toPlain(), measurement: toPlainOperator(batch.measurement), noiseLevel: batch.noiseLevel, options };
  const tasks: BatchTask[] = [];
  const starts: number[] = [];
  for (let w = 0; w < workers; w++) {
    const from = Math.floor((w * items) / workers), to = Math.floor(((w + 1) * items) / workers);
    starts.push(from);
    tasks.push({ ...base, observations: { rows: to - from, cols: Y.cols, data: Y.data.slice(from * Y.cols, to * Y.cols) } });
  }
  let done = 0;
  const finished: (Result[] | undefined)[] = tasks.map(() => undefined);
  try {
    const parts = await mapInWorkers<BatchTask, Result[]>(url, tasks, {
      workers,
      signal: context.signal,
      onResult: (chunk, index) => {
        finished[index] = chunk;
        done += chunk.length;
        context.onProgress?.({ item: done - 1, items, iteration: 0 });
      },
    });
    return tagged(parts.flat(), 'workers');
  } catch (e) {
    if (!context.signal?.aborted) throw e;
    // Cancelled: chunks that came back keep their results, the others are reported as aborted.
    const aborted = abortedResults(name, batch);
    return tagged(
      tasks.flatMap((task, w) => finished[w] ?? aborted.slice(starts[w], starts[w] + task.observations.rows)),
      'workers',
    );
  }
}
