/** A batch of `lp-linf` or `lp-l1` in this thread: one HiGHS model per layer, re-solved with new bounds for every item. */
import { abortedResults, type BatchProblem, batchItem, Pacer, type OptionValues, type Result, type SolveContext } from '@inv/core';
import type { LayerwiseInverter } from './invert.js';
import type { LpNorm } from './layer-lp.js';
import { solveWith, withInverter } from './single.js';

export async function solveItems(name: string, norm: LpNorm, batch: BatchProblem, options: OptionValues, context: SolveContext): Promise<Result[]> {
  return withInverter(batch, norm, (inverter) => solveChunk(inverter, name, batch, options, context));
}

async function solveChunk(inverter: LayerwiseInverter, name: string, batch: BatchProblem, options: OptionValues, context: SolveContext): Promise<Result[]> {
  const rows = batch.observations.rows;
  // Progress numbers items of the whole batch when this one is a chunk of it (a worker thread).
  const first = context.item ?? 0;
  const items = context.items ?? rows;
  const results: Result[] = [];
  // Yields between items, so an abort sent to a worker thread is seen before its chunk ends; its reports
  // follow core's cadence, shared with the projected-gradient iterations inside the items.
  const pacer = new Pacer();
  for (let i = 0; i < rows; i++) {
    await pacer.maybeYield();
    if (context.signal?.aborted) return [...results, ...abortedResults(name, batch, i, rows, context)];
    const result = await solveWith(inverter, name, batchItem(batch, i), options, context, first + i, items, pacer);
    results.push(result);
    context.onItem?.(i, result);
    if (pacer.reportDue()) context.onProgress?.({ item: first + i, items, iteration: result.iterations, residual: result.residual });
  }
  return results;
}
