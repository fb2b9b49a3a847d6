/**
 * Time to tolerance of `gd` on PLUGIn's benchmark instances (its bench/ uses the same: the
 * 20-600-500-500 Gaussian ReLU net of seed 0, z*_i on the unit sphere from Rng(1000 + i), noiseless
 * denoising; singles first, then the batch), so `inv bench` shows both side by side. Plain fixed-step
 * GD is also timed against a numpy loop on the very same weights and start points.
 */
import {
  createBatchProblem, createProblem, formatNumber, Generator, Matrix, median, now, relativeError, resolveOptions, Rng, solve, sphereVector,
  timeBatch, type BenchOptions, type BenchRow, type Problem, type Result,
} from '@inv/core';
import { referenceScript, runPythonJson } from '@inv/core/node';
import { gdOptionSchema, settingsFrom } from './options.js';
import { startPoints } from './single.js';
import './index.js';

const WIDTHS = [20, 600, 500, 500];
const SINGLE_CASE = `${WIDTHS.join('-')} single`;
/** Plain GD as in docs/algorithms.md (negation check): step 2^d/4 on ½‖G(z) − y‖², i.e. 2^d/8 on ‖G(z) − y‖². */
const PLAIN = { step: 2 ** (WIDTHS.length - 1) / 8, negationCheck: false, tol: 1e-10, maxIterations: 20000 };
const BATCH = 64;

interface Instance {
  problem: Problem;
  truth: Float64Array;
  seed: number;
}

/** Instance i of the shared benchmark family. */
export function benchInstances(first: number, count: number, generator = Generator.random(WIDTHS, { seed: 0 })): Instance[] {
  return Array.from({ length: count }, (_, j) => {
    const truth = sphereVector(new Rng(1000 + first + j), WIDTHS[0]);
    return { problem: createProblem({ generator, observation: generator.forward(truth) }), truth, seed: first + j };
  });
}

async function timeSolves(instances: Instance[], impl: string, options: Record<string, unknown>, log?: (line: string) => void): Promise<BenchRow> {
  const results: Result[] = [];
  const t0 = now();
  for (const { problem, seed } of instances) results.push(await solve(problem, 'gd', { seed, ...options }));
  const timeMs = now() - t0;
  const errors = results.map((r, i) => relativeError(r.latent, instances[i].truth));
  const note = `median ${median(results.map((r) => r.iterations))} iterations; ${results.filter((r) => r.success).length}/${results.length} converged`;
  log?.(`gd ${impl}: ${formatNumber(timeMs)} ms, ${note}`);
  return { suite: 'gd', case: SINGLE_CASE, impl, items: instances.length, timeMs, perItemMs: timeMs / instances.length, error: median(errors), note };
}

/** B instances of the same net solved together on tfjs-wasm. */
async function batchRows(instances: Instance[], log?: (line: string) => void): Promise<BenchRow[]> {
  const { generator } = instances[0].problem;
  const batch = createBatchProblem({ generator, observation: Matrix.fromRows(instances.map(({ problem }) => problem.observation)) });
  const timing = await timeBatch(() => solve(batch, 'gd', {}));
  log?.(`gd batch of ${instances.length}: first ${formatNumber(timing.firstMs)} ms, then ${formatNumber(timing.warmMs)} ms`);
  const row = (label: string, timeMs: number, note: string): BenchRow => ({
    suite: 'gd', case: `${WIDTHS.join('-')} batch ${instances.length}${label}`, impl: `inv default (tfjs-wasm f32, ${timing.where})`, items: instances.length, timeMs,
    perItemMs: timeMs / instances.length, error: median(timing.results.map((r, b) => relativeError(r.latent, instances[b].truth))),
    note: `median ${median(timing.results.map((r) => r.iterations))} iterations; ${note}`,
  });
  return [row(' (first call)', timing.firstMs, 'includes thread start-up and warm-up'), row('', timing.warmMs, 'median of 3 later calls')];
}

/** The start point gd uses for `seed`, so the numpy loop walks the same path. */
function firstStart(seed: number): Float64Array {
  return startPoints(settingsFrom(resolveOptions(gdOptionSchema, { seed })), WIDTHS[0])[0];
}

interface ReferenceOutput {
  times_ms: number[];
  errors: number[];
  iterations: number[];
}

/** The same fixed-step GD loop in numpy (tooling/reference/gd.py) on the same weights. */
function numpyPlain(instances: Instance[], python: string, log?: (line: string) => void): BenchRow {
  const input = {
    step: PLAIN.step, tol: PLAIN.tol, max_iterations: PLAIN.maxIterations,
    problems: instances.map(({ problem, truth, seed }) => ({
      weights: problem.generator.layers.map((l) => ({ rows: l.weight.rows, cols: l.weight.cols, data: Array.from(l.weight.data) })),
      y: Array.from(problem.observation),
      truth: Array.from(truth),
      start: Array.from(firstStart(seed)),
    })),
  };
  const out = runPythonJson<ReferenceOutput>(python, referenceScript('gd.py'), input);
  const timeMs = out.times_ms.reduce((a, b) => a + b, 0);
  log?.(`numpy plain GD: ${formatNumber(timeMs)} ms`);
  return {
    suite: 'gd', case: SINGLE_CASE, impl: 'numpy plain GD', items: instances.length, timeMs, perItemMs: timeMs / instances.length,
    error: median(out.errors), note: `median ${median(out.iterations)} iterations`,
  };
}

/**
 * Rows: the default (automatic step, negation check), plain fixed-step GD, numpy plain GD when
 * `python` is given, Adam (CSGM's optimizer, one restart) and a tfjs-wasm batch of 64 (first call and warm). Singles: 20
 * instances (quick: 5), Adam on the first 5 (quick: 2, 300 steps).
 */
/** The numpy reference (tooling/reference/gd.py) needs numpy. */
export const benchPython = ['numpy'];

export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchRow[]> {
  const { quick = false, python, log } = options;
  const singles = quick ? 5 : 20;
  const generator = Generator.random(WIDTHS, { seed: 0 });
  const instances = benchInstances(0, singles, generator);
  const rows: BenchRow[] = [];
  rows.push(await timeSolves(instances, 'inv default (float64)', {}, log));
  rows.push(await timeSolves(instances, 'inv plain GD (float64)', PLAIN, log));
  if (python) rows.push(numpyPlain(instances, python, log));
  const adam = { preset: 'csgm', restarts: 1, maxIterations: quick ? 300 : 1000 };
  rows.push(await timeSolves(instances.slice(0, quick ? 2 : 5), 'inv adam (csgm, 1 restart)', adam, log));
  rows.push(...(await batchRows(benchInstances(singles, BATCH, generator), log)));
  return rows;
}
