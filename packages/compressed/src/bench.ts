/**
 * Benchmarks (not tests): products of the materialised and on-the-fly Gaussian operators, and the
 * FISTA Lasso baselines (pixel, 2-D DCT) next to the same FISTA in numpy/scipy (tooling/reference/compressed.py) on
 * the same matrix, λ and iteration count. Browser-safe: Python is reached by a guarded dynamic import.
 */
import { gaussianVector, measure, median, noiseModel, now, relativeError, Rng, type BenchOptions, type BenchRow, type LinearOperator } from '@inv/core';
import { dctBasis } from './basis.js';
import { gaussianOperator } from './gaussian.js';
import { lasso } from './lasso.js';

/** The FISTA reference (tooling/reference/compressed.py) needs numpy and scipy. */
export const benchPython = ['numpy', 'scipy'];

const SUITE = 'compressed';

function timeMedian(repeats: number, run: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = now();
    run();
    times.push(now() - t);
  }
  return median(times);
}

function productRows(m: number, n: number, repeats: number, variants: readonly boolean[]): BenchRow[] {
  const x = gaussianVector(new Rng(1), n), y = gaussianVector(new Rng(2), m);
  return variants.map((onTheFly) => {
    const op = gaussianOperator(m, n, 7, { onTheFly });
    const timeMs = timeMedian(repeats, () => {
      op.apply(x);
      op.adjoint(y);
    });
    return { suite: SUITE, case: `gaussian ${m}x${n} apply+adjoint`, impl: onTheFly ? 'inv on the fly' : 'inv matrix', items: 1, timeMs, perItemMs: timeMs, note: onTheFly ? 'memory O(m+n)' : `memory ${((8 * m * n) / 2 ** 20).toFixed(0)} MB` };
  });
}

interface LassoCase {
  basis: 'pixel' | 'dct';
  measurement: LinearOperator;
  observation: Float64Array;
  truth: Float64Array;
  lambda: number;
  iterations: number;
}

/** A 28×28 image with 40 nonzero DCT coefficients (sparse in the DCT, dense in pixels), m = 250, small noise. */
function lassoCases(iterations: number): LassoCase[] {
  const rng = new Rng(3);
  const coeffs = new Float64Array(784);
  for (let i = 0; i < 40; i++) coeffs[rng.int(784)] = rng.normal();
  const truth = dctBasis([28, 28]).synthesize(coeffs);
  const measurement = gaussianOperator(250, 784, 11);
  const observation = measure(measurement, truth, noiseModel(0.01 / Math.sqrt(250)), rng).observation;
  return (['pixel', 'dct'] as const).map((basis) => ({ basis, measurement, observation, truth, lambda: 1e-3, iterations }));
}

interface Reference {
  times_ms: number[];
  signal: number[];
}

async function pythonRow(python: string, c: LassoCase, repeats: number): Promise<BenchRow> {
  const { referenceScript, runPythonJson } = (await import(/* @vite-ignore */ '@inv/core/node' as string)) as typeof import('@inv/core/node');
  const script = referenceScript('compressed.py');
  const input = { A: c.measurement.toMatrix().toRows(), y: Array.from(c.observation), lambda: c.lambda, iterations: c.iterations, basis: c.basis, shape: [28, 28], repeats };
  const out = runPythonJson<Reference>(python, script, input);
  const timeMs = median(out.times_ms);
  return { suite: SUITE, case: `lasso-${c.basis} 250x784 ${c.iterations} it`, impl: 'numpy fista', items: 1, timeMs, perItemMs: timeMs, error: relativeError(out.signal, c.truth) };
}

export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const repeats = options.quick ? 3 : 7;
  const rows: BenchRow[] = [];
  log('gaussian products 500x784');
  rows.push(...productRows(500, 784, repeats, [false, true]));
  log(`gaussian products 500x${options.quick ? 5000 : 50000} on the fly`);
  rows.push(...productRows(500, options.quick ? 5000 : 50_000, options.quick ? 1 : 3, [true]));
  const iterations = options.quick ? 200 : 1000;
  for (const c of lassoCases(iterations)) {
    log(`lasso ${c.basis}`);
    let signal: Float64Array = new Float64Array(0);
    const timeMs = timeMedian(repeats, () => {
      signal = lasso(c, { basis: c.basis, lambda: c.lambda, maxIterations: c.iterations, tolerance: 0 }).signal;
    });
    rows.push({ suite: SUITE, case: `lasso-${c.basis} 250x784 ${c.iterations} it`, impl: 'inv fista', items: 1, timeMs, perItemMs: timeMs, error: relativeError(signal, c.truth) });
    if (options.python) rows.push(await pythonRow(options.python, c, repeats));
  }
  return rows;
}
