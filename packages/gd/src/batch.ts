/**
 * A `gd` batch in this thread: all observations and restarts descend together, on tfjs-wasm (float32)
 * from TF_BATCH_MIN descents, else in float64.
 */
import { allowedResidual, batchItem, finishResult, loadOptional, now, type BatchProblem, type OptionValues, type Result, type SolveContext } from '@inv/core';
import { settingsFrom, TF_BATCH_MIN } from './options.js';
import { Float64Oracle } from './oracle.js';
import { objectiveData, polished, solveAll, SOLVER_NAME } from './single.js';

/** `work`'s value, or undefined if `signal` fires first (a late value is disposed when it arrives). */
async function unlessAborted<T extends { dispose(): void }>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return work;
  if (signal.aborted) {
    void work.then((v) => v.dispose(), () => {});
    return undefined;
  }
  let onAbort = () => {};
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const winner = await Promise.race([work, aborted]);
  signal.removeEventListener('abort', onAbort);
  if (winner === undefined) void work.then((v) => v.dispose(), () => {});
  return winner;
}

export async function solveBatchInThread(problem: BatchProblem, options: OptionValues, context: SolveContext): Promise<Result[]> {
  const startedAt = now();
  const settings = settingsFrom(options);
  const data = objectiveData(problem, problem.observations, settings);
  const useTf = problem.observations.rows * settings.restarts >= TF_BATCH_MIN;
  // tfjs is loaded only when a batch needs it, so single solves never touch the wasm backend. Loading
  // it takes up to a second; an abort meanwhile scores the start points in float64 at once instead.
  const tfOracle = useTf
    ? unlessAborted(loadOptional(() => import('./tf-oracle.js'), `gd: ${TF_BATCH_MIN} or more descents at once`).then((m) => m.TfOracle.create(data)), context.signal)
    : undefined;
  const oracle = (await tfOracle) ?? new Float64Oracle(data);
  const backend = oracle instanceof Float64Oracle ? 'float64' : 'tfjs-wasm';
  const allowed = Array.from({ length: problem.observations.rows }, (_, b) => allowedResidual(batchItem(problem, b)));
  const raws = await solveAll(data, oracle, settings, context, allowed);
  return raws.map((raw, b) => {
    const item = batchItem(problem, b);
    const result = finishResult(SOLVER_NAME, item, polished(raw, item, settings, allowed[b]), startedAt);
    result.info = { ...result.info, backend };
    return result;
  });
}
