/**
 * Time to tolerance of `gd` on the PLUGIn benchmark instances (20-600-500-500 Gaussian ReLU nets,
 * seeds 0..4, z* on the unit sphere, noiseless denoising), so that `inv bench` shows it next to
 * PLUGIn; plain fixed-step GD is also timed against a numpy loop on the very same weights.
 */
import {
  createBatchProblem, createProblem, formatNumber, Generator, Matrix, now, relativeError, resolveOptions, Rng, solve, sphereVector, type BenchRow, type Problem, type Result,
} from '@inv/core';
import { runPythonJson } from '@inv/core/node';
import { gdOptionSchema, settingsFrom } from './options.js';
import { startPoints } from './solver.js';
import './index.js';

export interface BenchOptions {
  quick?: boolean;
  python?: string;
  log?: (line: string) => void;
}

const WIDTHS = [20, 600, 500, 500];
const CASE = '20-600-500-500 noiseless';
/** Plain GD as in papers.md 3.3: step 2^d/4 on ½‖G(z) − y‖², i.e. 2^d/8 on ‖G(z) − y‖². */
const PLAIN = { step: 2 ** (WIDTHS.length - 1) / 8, negationCheck: false, tol: 1e-10, maxIterations: 20000 };

interface Instance {
  problem: Problem;
  truth: Float64Array;
  seed: number;
}

export function benchInstance(seed: number): Instance {
  const generator = Generator.random(WIDTHS, { seed });
  const truth = sphereVector(new Rng(1000 + seed), WIDTHS[0]);
  return { problem: createProblem({ generator, observation: generator.forward(truth) }), truth, seed };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function timeSolves(instances: Instance[], impl: string, options: Record<string, unknown>, log?: (line: string) => void): Promise<BenchRow> {
  const results: Result[] = [];
  const t0 = now();
  for (const { problem, seed } of instances) results.push(await solve(problem, 'gd', { seed, ...options }));
  const timeMs = now() - t0;
  const errors = results.map((r, i) => relativeError(r.latent, instances[i].truth));
  const note = `median ${median(results.map((r) => r.iterations))} iterations; ${results.filter((r) => r.success).length}/${results.length} converged`;
  log?.(`gd ${impl}: ${formatNumber(timeMs)} ms, ${note}`);
  return { suite: 'gd', case: CASE, impl, items: instances.length, timeMs, perItemMs: timeMs / instances.length, error: median(errors), note };
}

/** B latents of one net solved together on tfjs-wasm. */
async function timeBatch(B: number, log?: (line: string) => void): Promise<BenchRow> {
  const { problem } = benchInstance(0);
  const truths = new Matrix(B, WIDTHS[0]);
  const Y = new Matrix(B, problem.generator.outputDim);
  for (let b = 0; b < B; b++) {
    truths.row(b).set(sphereVector(new Rng(5000 + b), WIDTHS[0]));
    Y.row(b).set(problem.generator.forward(truths.row(b)));
  }
  const t0 = now();
  const results = (await solve(createBatchProblem({ generator: problem.generator, observation: Y }), 'gd', {})) as Result[];
  const timeMs = now() - t0;
  log?.(`gd batch of ${B}: ${formatNumber(timeMs)} ms`);
  return {
    suite: 'gd', case: `20-600-500-500 batch of ${B}`, impl: 'inv default (tfjs-wasm)', items: B, timeMs, perItemMs: timeMs / B,
    error: median(results.map((r, b) => relativeError(r.latent, truths.row(b)))), note: `median ${median(results.map((r) => r.iterations))} iterations`,
  };
}

/** The start point gd uses for `seed`, so the numpy loop walks the same path. */
function firstStart(seed: number): Float64Array {
  return startPoints(settingsFrom(resolveOptions(gdOptionSchema, { seed }), WIDTHS[0]), WIDTHS[0])[0];
}

interface ReferenceOutput {
  times_ms: number[];
  errors: number[];
  iterations: number[];
}

/** The same fixed-step GD loop in numpy (bench/reference.py) on the same weights. */
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
  const out = runPythonJson<ReferenceOutput>(python, new URL('../bench/reference.py', import.meta.url).pathname, input);
  const timeMs = out.times_ms.reduce((a, b) => a + b, 0);
  log?.(`numpy plain GD: ${formatNumber(timeMs)} ms`);
  return {
    suite: 'gd', case: CASE, impl: 'numpy plain GD', items: instances.length, timeMs, perItemMs: timeMs / instances.length,
    error: median(out.errors), note: `median ${median(out.iterations)} iterations`,
  };
}

/**
 * Rows: the default (automatic step, negation check), plain fixed-step GD, Adam (CSGM's optimizer, one
 * restart), a tfjs-wasm batch, and numpy plain GD when `python` is given. Quick mode: 2 instances.
 */
export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchRow[]> {
  const { quick = false, python, log } = options;
  const instances = Array.from({ length: quick ? 2 : 5 }, (_, seed) => benchInstance(seed));
  const rows: BenchRow[] = [];
  rows.push(await timeSolves(instances, 'inv default', {}, log));
  rows.push(await timeSolves(instances, 'inv plain GD', PLAIN, log));
  if (python) rows.push(numpyPlain(instances, python, log));
  rows.push(await timeSolves(instances, 'inv adam (csgm, 1 restart)', { preset: 'csgm', restarts: 1, maxIterations: quick ? 300 : 1000 }, log));
  rows.push(await timeBatch(quick ? 16 : 64, log));
  return rows;
}
