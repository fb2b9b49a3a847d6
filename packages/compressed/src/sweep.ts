/**
 * The CSGM experiment (Bora et al. 2017, Fig. 1): reconstruction error against the number of Gaussian
 * measurements m for generative priors and for Lasso, on given images (held-out digits). Each image i
 * gets its own seeded ensemble; its m×n operator is the first m rows of that ensemble, so the
 * measurements of a smaller m are a subset of those of a larger one. The noise ε has per-entry std
 * noise/√m, so ‖ε‖ ≈ noise for every m (CSGM's std 0.1 with its N(0, 1) matrix is noise = 0.1 here).
 */
import {
  checkSupport,
  createProblem,
  getSolver,
  listSolvers,
  measure,
  median,
  mse,
  noiseModel,
  relativeError,
  solve,
  Rng,
  UnsupportedError,
  ValueError,
  InvError,
  assertInteger,
  assertLength,
  type Generator,
  type Solver,
} from '@inv/core';
import { gaussianOperator } from './gaussian.js';
import { lasso } from './lasso.js';

export interface SweepSolver {
  /** Registered solver name, e.g. `plugin`, `gd`, `lp-linf`. */
  name: string;
  options?: Record<string, unknown>;
  /** Row label; default the name. */
  label?: string;
}

export interface SweepProgress {
  m: number;
  method: string;
  /** Index of the image just finished. */
  item: number;
  items: number;
  mse: number;
}

export interface MeasurementSweepInput {
  generator: Generator;
  /** Signals of length n (e.g. held-out digits in [0, 1]). */
  images: readonly ArrayLike<number>[];
  /** Measurement counts, e.g. [25, 50, 100, 200, 400]. */
  ms: readonly number[];
  /** Solvers by name or with options; default: every registered solver that accepts a Gaussian problem with this generator. */
  solvers?: readonly (string | SweepSolver)[];
  /** Lasso bases to compare; default ['pixel', 'dct']. */
  lasso?: readonly ('pixel' | 'dct')[];
  /**
   * Lasso λ, or several: then each m reports the λ with the lowest median MSE (an oracle choice that
   * favours Lasso). Default 0.1 (CSGM's MNIST baseline, see lasso.ts).
   */
  lassoLambda?: number | readonly number[];
  lassoIterations?: number;
  /** Expected ‖ε‖ (per-entry std noise/√m). Default 0.1. */
  noise?: number;
  seed?: number;
  onProgress?: (progress: SweepProgress) => void;
  signal?: AbortSignal;
}

export interface SweepRow {
  m: number;
  method: string;
  items: number;
  /** Median over images of the per-pixel MSE mean((x̂ − x)²) (CSGM's metric). */
  medianMse: number;
  /** Median over images of ‖x̂ − x‖/‖x‖. */
  medianRelativeError: number;
  medianTimeMs: number;
  /** The Lasso λ of this row. */
  lambda?: number;
}

function sweepSolvers(input: MeasurementSweepInput): { solver: Solver; label: string; options: Record<string, unknown> }[] {
  // A one-measurement Gaussian problem: enough for checkSupport, which looks at the generator and the operator kind.
  const probe = createProblem({ generator: input.generator, measurement: gaussianOperator(1, input.generator.outputDim, 0, { onTheFly: true }), observation: [0] });
  if (input.solvers === undefined) {
    return listSolvers()
      .filter((s) => {
        try {
          checkSupport(s, probe);
          return true;
        } catch {
          return false;
        }
      })
      .map((solver) => ({ solver, label: solver.name, options: {} }));
  }
  return input.solvers.map((spec) => {
    const s = typeof spec === 'string' ? { name: spec } : spec;
    const solver = getSolver(s.name);
    checkSupport(solver, probe);
    return { solver, label: s.label ?? s.name, options: s.options ?? {} };
  });
}

function checkInput(input: MeasurementSweepInput): void {
  const n = input.generator.outputDim;
  if (input.images.length === 0) throw new ValueError('images: expected at least one image');
  input.images.forEach((img, i) => assertLength(img.length, n, `images[${i}]`));
  if (input.ms.length === 0) throw new ValueError('ms: expected at least one measurement count');
  input.ms.forEach((m, i) => assertInteger(m, `ms[${i}]`, 1));
  const noise = input.noise ?? 0.1;
  if (!(Number.isFinite(noise) && noise >= 0)) throw new ValueError(`noise: expected a finite number >= 0, got ${noise}`);
}

/** One row per (m, method): median errors over the images. */
export async function measurementSweep(input: MeasurementSweepInput): Promise<SweepRow[]> {
  checkInput(input);
  const { generator, images } = input;
  const n = generator.outputDim;
  const solvers = sweepSolvers(input);
  const bases = input.lasso ?? ['pixel', 'dct'];
  if (solvers.length + bases.length === 0) throw new UnsupportedError('measurement sweep: no solver accepts this generator with Gaussian measurements, and no Lasso basis was asked for');
  const noise = input.noise ?? 0.1;
  const lambdas = typeof input.lassoLambda === 'number' ? [input.lassoLambda] : (input.lassoLambda ?? [0.1]);
  const seedRng = new Rng(input.seed ?? 0);
  const imageSeeds = images.map(() => seedRng.uint32());
  const rows: SweepRow[] = [];

  for (const m of input.ms) {
    const errors = new Map<string, { mse: number[]; rel: number[]; time: number[] }>();
    const record = (method: string, item: number, estimate: ArrayLike<number>, timeMs: number) => {
      const e = errors.get(method) ?? { mse: [], rel: [], time: [] };
      errors.set(method, e);
      e.mse.push(mse(estimate, images[item]));
      e.rel.push(relativeError(estimate, images[item]));
      e.time.push(timeMs);
      input.onProgress?.({ m, method, item, items: images.length, mse: e.mse[e.mse.length - 1] });
    };
    for (let i = 0; i < images.length; i++) {
      if (input.signal?.aborted) throw Object.assign(new InvError('ERR_ABORTED', 'measurement sweep: aborted'), { name: 'AbortError' });
      const measurement = gaussianOperator(m, n, imageSeeds[i]);
      const noiseRng = new Rng(imageSeeds[i] + 1);
      const model = noise > 0 ? noiseModel(noise / Math.sqrt(m)) : undefined;
      const problem = createProblem({ generator, measurement, observation: measure(measurement, images[i], model, noiseRng).observation, noise: model });
      for (const { solver, label, options } of solvers) {
        const started = performance.now();
        const result = await solve(problem, solver, options, { signal: input.signal });
        record(label, i, result.reconstruction, performance.now() - started);
      }
      for (const basis of bases) {
        for (const lambda of lambdas) {
          const started = performance.now();
          const r = lasso(problem, { basis, lambda, maxIterations: input.lassoIterations ?? 2000, tolerance: 1e-6 });
          record(`lasso-${basis}${LAMBDA_TAG}${lambda}`, i, r.signal, performance.now() - started);
        }
      }
    }
    const mRows = [...errors].map(([method, e]) => ({ m, method, items: e.mse.length, medianMse: median(e.mse), medianRelativeError: median(e.rel), medianTimeMs: median(e.time) }));
    rows.push(...bestLambdaRows(mRows));
  }
  return rows;
}

const LAMBDA_TAG = '@lambda=';

/** Keeps, per Lasso basis, the λ with the lowest median MSE, named `lasso-<basis>` with its λ. */
function bestLambdaRows(rows: SweepRow[]): SweepRow[] {
  const out: SweepRow[] = [];
  for (const row of rows) {
    const tag = row.method.indexOf(LAMBDA_TAG);
    if (tag < 0) {
      out.push(row);
      continue;
    }
    const method = row.method.slice(0, tag);
    const tagged = { ...row, method, lambda: Number(row.method.slice(tag + LAMBDA_TAG.length)) };
    const i = out.findIndex((r) => r.method === method);
    if (i < 0) out.push(tagged);
    else if (tagged.medianMse < out[i].medianMse) out[i] = tagged;
  }
  return out;
}

/** For each method, the smallest m whose median per-pixel MSE is at most `target` (undefined if none). */
export function measurementsToReach(rows: readonly SweepRow[], target: number): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const row of rows) {
    if (!out.has(row.method)) out.set(row.method, undefined);
    const best = out.get(row.method);
    if (row.medianMse <= target && (best === undefined || row.m < best)) out.set(row.method, row.m);
  }
  return out;
}

/** The sweep as [m, then one median-MSE column per method] for formatTable. */
export function sweepTable(rows: readonly SweepRow[]): { headers: string[]; cells: (number | undefined)[][] } {
  const methods = [...new Set(rows.map((r) => r.method))];
  const ms = [...new Set(rows.map((r) => r.m))].sort((a, b) => a - b);
  const cells = ms.map((m) => [m, ...methods.map((method) => rows.find((r) => r.m === m && r.method === method)?.medianMse)]);
  return { headers: ['m', ...methods.map((m) => `${m} MSE`)], cells };
}
