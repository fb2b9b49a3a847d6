/**
 * Benchmarks (not tests): time per inversion on one 20-250-600 ReLU net, a single cold solve (fresh
 * HiGHS models) and a batch of 32 (models kept per layer, spread over worker threads in Node), next
 * to scipy.optimize.linprog(method='highs') on the same layer-wise l-inf LPs when Python is given.
 */
import {
  type BatchProblem,
  type BenchRow,
  boxVector,
  createBatchProblem,
  gaussianVector,
  Generator,
  Matrix,
  median,
  now,
  relativeError,
  Rng,
  solve,
} from '@inv/core';
import './index.js';
import { getHighs } from './highs.js';

export interface BenchOptions {
  /** Fewer items (8 instead of 32) for a smoke run. */
  quick?: boolean;
  /** A python3 with numpy and scipy (from `findPython(['numpy', 'scipy'])`) for the reference rows. */
  python?: string;
  log?: (line: string) => void;
}

const WIDTHS = [20, 250, 600];
const SUITE = 'lp-layerwise';

interface Case {
  label: string;
  batch: BatchProblem;
  latents: Float64Array[];
  noise: number;
}

function makeCase(generator: Generator, items: number, noise: number, seed: number): Case {
  const rng = new Rng(seed);
  const latents: Float64Array[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < items; i++) {
    const z = gaussianVector(rng, WIDTHS[0]);
    const y = generator.forward(z);
    if (noise > 0) {
      const e = boxVector(rng, y.length, noise);
      for (let j = 0; j < y.length; j++) y[j] += e[j];
    }
    latents.push(z);
    rows.push(Array.from(y));
  }
  const batch = createBatchProblem({ generator, observation: Matrix.fromRows(rows), noiseLevel: noise || undefined });
  return { label: noise ? `noise ${noise}` : 'clean', batch, latents, noise };
}

function row(caseName: string, impl: string, items: number, timeMs: number, errors: number[], note?: string): BenchRow {
  return { suite: SUITE, case: caseName, impl, items, timeMs, perItemMs: timeMs / items, error: median(errors), note };
}

async function timeInv(c: Case, options: Record<string, unknown>, singles: number): Promise<{ single: BenchRow; batch: BenchRow }> {
  const { batch, latents } = c;
  const singleTimes: number[] = [], singleErrors: number[] = [];
  for (let i = 0; i < singles; i++) {
    const t0 = now();
    const r = await solve(
      { generator: batch.generator, measurement: batch.measurement, observation: batch.observations.row(i), noiseLevel: batch.noiseLevel },
      'lp-linf',
      options,
    );
    singleTimes.push(now() - t0);
    singleErrors.push(relativeError(r.latent, latents[i]));
  }
  const t0 = now();
  const results = await solve(batch, 'lp-linf', options);
  const batchMs = now() - t0;
  const tag = options.fastPath === false ? 'inv lp-linf (LP only)' : 'inv lp-linf';
  return {
    single: row(`${c.label} single`, tag, 1, median(singleTimes), singleErrors, `median of ${singles} single solves, fresh models`),
    batch: row(`${c.label} batch ${latents.length}`, tag, latents.length, batchMs, results.map((r, i) => relativeError(r.latent, latents[i])), 'models kept per layer, worker threads'),
  };
}

async function timeScipy(python: string, c: Case): Promise<{ single: BenchRow; batch: BenchRow }> {
  const { referenceScript, runPythonJson } = (await import(/* @vite-ignore */ '@inv/core/node' as string)) as typeof import('@inv/core/node');
  const g = c.batch.generator;
  const input = {
    layers: g.layers.map((l, i) => ({
      rows: l.weight.rows,
      cols: l.weight.cols,
      weight: Array.from(l.weight.data),
      bias: l.bias ? Array.from(l.bias) : null,
      relu_input: i > 0 && g.layers[i - 1].activation.kind === 'relu',
    })),
    observations: c.batch.observations.toRows(),
    threshold: c.noise || 1e-9,
    growth: 1.2,
    max_steps: 200,
  };
  const script = referenceScript('lp-layerwise.py');
  const out = runPythonJson<{ times_ms: number[]; latents: number[][] }>(python, script, input);
  const errors = out.latents.map((z, i) => relativeError(z, c.latents[i]));
  const total = out.times_ms.reduce((a, b) => a + b, 0);
  return {
    single: row(`${c.label} single`, 'scipy linprog highs', 1, median(out.times_ms), errors, 'median per inversion, same LPs'),
    batch: row(`${c.label} batch ${c.latents.length}`, 'scipy linprog highs', c.latents.length, total, errors, 'one after another'),
  };
}

export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const items = options.quick ? 8 : 32;
  const singles = options.quick ? 3 : 5;
  const generator = Generator.random(WIDTHS, { seed: 2019 });
  const t0 = now();
  await getHighs();
  log(`HiGHS runtime loaded in ${(now() - t0).toFixed(0)} ms`);
  // One untimed solve so that V8 has compiled the HiGHS wasm to optimised code (the first LP is ~3x slower).
  await solve(makeCase(generator, 1, 0, 1).batch, 'lp-linf', { fastPath: false, workers: 1 });
  const rows: BenchRow[] = [];
  const cases = [makeCase(generator, items, 0, 7), makeCase(generator, items, 1e-3, 8)];
  for (const c of cases) {
    const variants: Record<string, unknown>[] = [{}, { fastPath: false }];
    for (const v of variants) {
      log(`inv ${c.label} ${JSON.stringify(v)}`);
      const r = await timeInv(c, v, singles);
      rows.push(r.single, r.batch);
    }
    if (options.python) {
      log(`scipy ${c.label}`);
      const r = await timeScipy(options.python, c);
      rows.push(r.single, r.batch);
    }
  }
  return rows;
}
