/**
 * PLUGIn benchmark: time to tolerance on the paper's 20-600-500-500 net, single (float64) and a batch
 * (tfjs-wasm), next to the numpy reference in tooling/reference/plugin.py on the same instances, step and tol.
 */
import {
  createBatchProblem, createProblem, Generator, Matrix, median, now, relativeError, resolveOptions, Rng, solve, sphereVector, timeBatch, type BenchOptions, type BenchRow, type Result,
} from '@inv/core';
import { referenceScript, runPythonJson } from '@inv/core/node';
import './index.js';
import { pluginOptions, pluginOptionSchema } from './options.js';
import { planFor } from './plan.js';
import { initialStep } from './single.js';

/** The numpy reference (tooling/reference/plugin.py) needs numpy. */
export const benchPython = ['numpy'];

const WIDTHS = [20, 600, 500, 500];
const CASE = WIDTHS.join('-');
/** Single solves are timed this many times (median), here and in the numpy reference. */
const REPEATS = 3;

interface Reference {
  single: { ms: number; latents: number[][]; iterations: number[] };
  batch: { ms: number; latents: number[][]; iterations: number[] };
}

function row(caseName: string, impl: string, items: number, timeMs: number, errors: number[], iterations: number[], note = ''): BenchRow {
  const its = `median ${median(iterations)} iterations`;
  return { suite: 'plugin', case: caseName, impl, items, timeMs, perItemMs: timeMs / items, error: median(errors), note: note ? `${its}; ${note}` : its };
}

export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const singles = options.quick ? 5 : 20;
  const B = options.quick ? 64 : 256;
  const generator = Generator.random(WIDTHS, { seed: 0 });
  const truths = Array.from({ length: singles + B }, (_, i) => sphereVector(new Rng(1000 + i), WIDTHS[0]));
  const observations = truths.map((x) => generator.forward(x));
  const defaults = pluginOptions(resolveOptions(pluginOptionSchema, {}));
  const rows: BenchRow[] = [];

  // The fixed matrix and the step gain are built once per generator (not part of the per-solve time).
  const problems = observations.slice(0, singles).map((y) => createProblem({ generator, observation: y }));
  const step = initialStep(planFor(generator, problems[0].measurement), defaults);
  log(`plugin: ${CASE}, step ${step.toFixed(3)}, ${singles} single solves`);
  const times: number[] = [];
  let single = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    const t = now();
    single = [];
    for (const p of problems) single.push(await solve(p, 'plugin'));
    times.push(now() - t);
  }
  const singleMs = median(times);
  rows.push(row(`${CASE} single`, 'inv (float64)', singles, singleMs, single.map((r, i) => relativeError(r.latent, truths[i])), single.map((r) => r.iterations), 'tol 1e-13'));

  const Y = Matrix.fromRows(observations.slice(singles));
  const batch = createBatchProblem({ generator, observation: Y });
  const batchTruths = truths.slice(singles);
  const batchRow = (label: string, ms: number, results: Result[], where: string, note: string) => {
    const errors = results.map((r, i) => relativeError(r.latent, batchTruths[i]));
    return row(`${CASE} batch ${B}${label}`, `inv (tfjs-wasm f32, ${where})`, B, ms, errors, results.map((r) => r.iterations), `tol ${defaults.batchTol}; ${note}`);
  };
  log(`plugin: batch of ${B}`);
  // The first call starts the worker pool (threads, tfjs, WebAssembly warm-up); later calls reuse it.
  const timing = await timeBatch(() => solve(batch, 'plugin'), REPEATS);
  rows.push(batchRow(' (first call)', timing.firstMs, timing.results, timing.where, 'includes thread start-up and warm-up'));
  rows.push(batchRow('', timing.warmMs, timing.results, timing.where, `median of ${REPEATS} later calls`));

  if (options.python) {
    log('plugin: numpy reference');
    const input = {
      weights: generator.layers.map((l) => ({ rows: l.weight.rows, cols: l.weight.cols, data: Array.from(l.weight.data) })),
      single: observations.slice(0, singles).map((y) => Array.from(y)),
      batch: observations.slice(singles).map((y) => Array.from(y)),
      step,
      tol: defaults.tol,
      batchTol: defaults.batchTol,
      maxIterations: defaults.maxIterations,
      repeats: REPEATS,
    };
    const ref = runPythonJson<Reference>(options.python, referenceScript('plugin.py'), input);
    const errs = (latents: number[][], xs: Float64Array[]) => latents.map((z, i) => relativeError(z, xs[i]));
    rows.push(row(`${CASE} single`, 'numpy (float64)', singles, ref.single.ms, errs(ref.single.latents, truths), ref.single.iterations, 'tol 1e-13'));
    rows.push(row(`${CASE} batch ${B}`, 'numpy (float64)', B, ref.batch.ms, errs(ref.batch.latents, batchTruths), ref.batch.iterations, `tol ${defaults.batchTol}`));
  }
  return rows;
}
