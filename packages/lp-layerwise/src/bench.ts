/**
 * Benchmarks (not tests): time per inversion on one 20-250-600 ReLU net, a single cold solve (fresh
 * HiGHS models) and a batch of 32 (models kept per layer, spread over worker threads in Node), next
 * to scipy.optimize.linprog(method='highs') on the same layer-wise l-inf LPs when Python is given.
 */
import {
  type BatchProblem,
  type BenchOptions as CoreBenchOptions,
  type BenchRow,
  type NoiseModel,
  createBatchProblem,
  createProblem,
  gaussianVector,
  Generator,
  IdentityOperator,
  Matrix,
  measure,
  median,
  noiseModel,
  normInf,
  now,
  relativeError,
  Rng,
  solve,
} from '@inv/core';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import './index.js';
import { getHighs } from './highs.js';
import { CLEAN_THRESHOLD, DATA_CAP, NOISE_CAP } from './options.js';

export interface BenchOptions extends CoreBenchOptions {
  /**
   * A python3 with numpy and cvxopt for the rows against the LP paper's own solver; default: the
   * first such python `findPython` finds (those rows are skipped with a message when none has it).
   */
  cvxoptPython?: string | null;
  /** Only the comparison with cvxopt (skip the scipy rows and the batches). */
  cvxoptOnly?: boolean;
  /** Skip the trained-decoder rows of the cvxopt comparison (labels starting with `trained`; the relu one's cvxopt side takes minutes). */
  noTrained?: boolean;
  /** Only the cvxopt-comparison instances whose label starts with this. */
  only?: string;
  /** Latents per cvxopt-comparison instance (default 5, 2 with `quick`). */
  items?: number;
}

/** The scipy reference (tooling/reference/lp-layerwise.py) needs numpy and scipy; cvxopt's python is found apart. */
export const benchPython = ['numpy', 'scipy'];
/**
 * `--cvxopt`: only the comparison with the LP paper's cvxopt solver; `--no-trained`: without its
 * trained-decoder rows (the relu one's cvxopt side takes minutes); `--only <label prefix>`, `--items <n>`:
 * some of its instances, n latents each (`--only 'trained leaky'`: the trained LeakyReLU decoder alone).
 */
export const benchFlags = { cvxopt: 'cvxoptOnly', 'no-trained': 'noTrained', only: 'only=string', items: 'items=number' } as const;

const WIDTHS = [20, 250, 600];
const SUITE = 'lp-layerwise';

interface Case {
  label: string;
  batch: BatchProblem;
  latents: Float64Array[];
  noise: number;
}

/** l-inf-bounded noise of this size (none for 0), the noise the layer-wise LPs assume. */
const boxNoise = (level: number): NoiseModel | undefined => (level > 0 ? noiseModel({ kind: 'box', level }) : undefined);

/** G(z) + ε, ε uniform in [−noise, noise] drawn from `rng` (the latents' stream: nothing is drawn without noise). */
function observe(generator: Generator, z: Float64Array, noise: number, rng: Rng): Float64Array {
  return measure(new IdentityOperator(generator.outputDim), generator.forward(z), boxNoise(noise), rng).observation;
}

export function makeCase(generator: Generator, items: number, noise: number, seed: number): Case {
  const rng = new Rng(seed);
  const latents: Float64Array[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < items; i++) {
    const z = gaussianVector(rng, WIDTHS[0]);
    latents.push(z);
    rows.push(Array.from(observe(generator, z, noise, rng)));
  }
  const batch = createBatchProblem({ generator, observation: Matrix.fromRows(rows), noise: boxNoise(noise) });
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

/** The generator's layers as the Python references read them (nonneg: the input is a ReLU output). */
function layersInput(g: Generator) {
  return g.layers.map((l, i) => ({
    rows: l.weight.rows,
    cols: l.weight.cols,
    weight: Array.from(l.weight.data),
    bias: l.bias ? Array.from(l.bias) : null,
    kind: l.activation.kind,
    alpha: l.activation.kind === 'leaky_relu' ? l.activation.alpha : 0,
    nonneg: i > 0 && g.layers[i - 1].activation.kind === 'relu',
  }));
}

async function timeScipy(python: string, c: Case): Promise<{ single: BenchRow; batch: BenchRow }> {
  const { referenceScript, runPythonJson } = (await import(/* @vite-ignore */ '@inv/core/node' as string)) as typeof import('@inv/core/node');
  const g = c.batch.generator;
  const input = {
    layers: layersInput(g).map(({ nonneg, ...l }) => ({ ...l, relu_input: nonneg })),
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
  const cvxoptRows = await cvxoptComparison(options, log);
  if (options.cvxoptOnly) return cvxoptRows;
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
  return [...rows, ...cvxoptRows];
}

// ---- Against the LP paper's own solver: cvxopt's dense interior point (tooling/reference/lp-cvxopt.py).

interface Instance {
  label: string;
  generator: Generator;
  observations: Float64Array[];
  latents: Float64Array[];
  noise: number;
}

/** The generator with every weight rounded to float32, so both sides read exactly the same numbers. */
function float32Weights(g: Generator): Generator {
  return new Generator(g.layers.map((l) => ({ ...l, weight: new Matrix(l.weight.rows, l.weight.cols, Float64Array.from(Float32Array.from(l.weight.data))) })));
}

export function instance(label: string, generator: Generator, items: number, noise: number, seed: number): Instance {
  const rng = new Rng(seed);
  const latents: Float64Array[] = [], observations: Float64Array[] = [];
  for (let i = 0; i < items; i++) {
    const z = gaussianVector(rng, generator.inputDim);
    latents.push(z);
    observations.push(observe(generator, z, noise, rng));
  }
  return { label, generator, observations, latents, noise };
}

/**
 * A shipped decoder, read from the monorepo's packages/models/assets (this file is
 * packages/lp-layerwise/{src,dist}/bench.*): leaky-20-200-500-784 is the issue's trained LeakyReLU(0.1)
 * net, 20-500-500-784 a relu/sigmoid one.
 */
function shippedDecoder(tools: NodeTools, name: string, log: (line: string) => void): Generator | undefined {
  const path = fileURLToPath(new URL(`../../models/assets/${name}/model.json`, import.meta.url));
  if (!existsSync(path)) {
    log(`lp-layerwise bench: ${path} not found (not a monorepo checkout): its trained-decoder row is skipped`);
    return undefined;
  }
  return tools.readGenerator(path);
}

function instances(tools: NodeTools, items: number, log: (line: string) => void): Instance[] {
  const relu250 = float32Weights(Generator.random([20, 250, 600], { seed: 2019 }));
  const relu200 = float32Weights(Generator.random([10, 200, 500], { seed: 2020 }));
  const leaky = float32Weights(Generator.random([20, 200, 500, 784], { seed: 2021, activation: { kind: 'leaky_relu', alpha: 0.1 } }));
  const list = [
    instance('20-250-600 clean', relu250, items, 0, 11),
    instance('20-250-600 noise 1e-3', relu250, items, 1e-3, 12),
    instance('10-200-500 clean', relu200, items, 0, 13),
    instance('10-200-500 noise 1e-3', relu200, items, 1e-3, 14),
    instance('random leaky(0.1) 20-200-500-784, noise 1e-6', leaky, items, 1e-6, 15),
  ];
  // The issue's trained row: LeakyReLU(0.1) on every layer, bias-free, float32 weights; latents z ~ N(0, I) as for the others; 2 latents.
  // Neither side fits it within the noise: both stop at the threshold cap, latents ~3e-4 off (its 784×500 layer has condition
  // number 84, and about 2/3 of its outputs are negative, where undoing the 0.1 slope multiplies the noise by 10).
  const trainedLeaky = shippedDecoder(tools, 'leaky-20-200-500-784', log);
  if (trainedLeaky) list.push(instance('trained leaky(0.1) 20-200-500-784 (leaky-20-200-500-784), noise 1e-6', float32Weights(trainedLeaky), Math.min(items, 2), 1e-6, 17));
  const trained = shippedDecoder(tools, '20-500-500-784', log);
  // Layer-wise LPs do not invert it (its 500→500 layer is not expansive): both sides walk to the cap, at ~1 s per LP; 2 latents.
  if (trained) list.push(instance('trained 20-500-500-784 (relu, sigmoid out), noise 1e-6', float32Weights(trained), Math.min(items, 2), 1e-6, 16));
  return list;
}

function problemOf(c: Instance, i: number) {
  return createProblem({ generator: c.generator, observation: c.observations[i], noise: boxNoise(c.noise) });
}

interface CvxoptOut {
  times_ms: number[];
  cpu_ms: number[];
  latents: number[][];
  lp_solves: number[];
  thresholds: number[];
  feasible: boolean[];
}

/** The noisy comparison rows behind cliCase's names. */
const CLI_CASES = { relu250: '20-250-600 noise', relu200: '10-200-500 noise', leaky: 'random leaky' } as const;

/**
 * The issue #14 CLI case (bench/cli-batch.mjs): a net of the comparison (`relu250`, `relu200` or `leaky`) with
 * `items` noisy observations, cvxopt's run on exactly those (undefined without cvxopt), and what it
 * takes to time the cvxopt script as a whole process too: the python, the script and its input.
 */
export async function cliCase(
  name: 'relu250' | 'relu200' | 'leaky',
  items: number,
): Promise<{ generator: Generator; observations: Float64Array[]; noise: number; cvxopt?: CvxoptOut; reference?: { python: string; script: string; input: unknown } }> {
  const tools = (await import(/* @vite-ignore */ '@inv/core/node' as string)) as NodeTools;
  const c = instances(tools, items, () => {}).find((i) => i.label.startsWith(CLI_CASES[name]))!;
  const python = tools.findPython(['numpy', 'cvxopt']);
  const reference = python ? { python, script: tools.referenceScript('lp-cvxopt.py'), input: cvxoptInput(c) } : undefined;
  return { generator: c.generator, observations: c.observations, noise: c.noise, cvxopt: python ? runCvxopt(tools, python, c) : undefined, reference };
}

function runCvxopt(tools: NodeTools, python: string, c: Instance): CvxoptOut {
  return tools.runPythonJson<CvxoptOut>(python, tools.referenceScript('lp-cvxopt.py'), cvxoptInput(c));
}

function cvxoptInput(c: Instance) {
  const g = c.generator;
  return {
    layers: layersInput(g),
    observations: c.observations.map((o) => Array.from(o)),
    threshold: c.noise || CLEAN_THRESHOLD,
    growth: 1.2,
    max_steps: 200,
    clip: 1e-6,
    // The same cap as inv's default (solve.ts), so that neither side walks to thresholds far above the noise.
    max_threshold: c.noise ? NOISE_CAP * c.noise : DATA_CAP * Math.max(...c.observations.map((o) => normInf(o))),
  };
}

type NodeTools = typeof import('@inv/core/node');

/** Median time of single cold solves (fresh models each), with the latent errors and LP counts. */
async function timeSingles(c: Instance, options: Record<string, unknown>): Promise<{ ms: number; cpuMs: number; errors: number[]; lps: number; thresholds: number[]; statuses: string[] }> {
  const times: number[] = [], cpu: number[] = [], errors: number[] = [], lps: number[] = [], thresholds: number[] = [], statuses: string[] = [];
  for (let i = 0; i < c.observations.length; i++) {
    const t0 = now(), c0 = process.cpuUsage();
    const r = await solve(problemOf(c, i), 'lp-linf', options);
    times.push(now() - t0);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1000);
    errors.push(relativeError(r.latent, c.latents[i]));
    lps.push(Number(r.info?.lpSolves ?? 0));
    thresholds.push(Number(r.info?.threshold ?? NaN));
    statuses.push(r.status);
  }
  return { ms: median(times), cpuMs: median(cpu), errors, lps: median(lps), thresholds, statuses };
}

/**
 * The issue #14 table: per instance, cvxopt (the authors' dense interior point, one python process)
 * against inv lp-linf with its defaults and with the LP alone, medians per inversion and the ratio.
 */
async function cvxoptComparison(options: BenchOptions, log: (line: string) => void): Promise<BenchRow[]> {
  const tools = (await import(/* @vite-ignore */ '@inv/core/node' as string)) as NodeTools;
  const python = options.cvxoptPython === undefined ? tools.findPython(['numpy', 'cvxopt']) : options.cvxoptPython ?? undefined;
  if (!python) log('lp-layerwise bench: no python3 with numpy and cvxopt (Debian: apt-get install python3-cvxopt): the cvxopt rows are skipped');
  const items = options.items ?? (options.quick ? 2 : 5);
  await getHighs();
  const rows: BenchRow[] = [];
  // --quick (CI's smoke run): the two 20-250-600 rows only; the leaky and trained rows take minutes.
  const all = instances(tools, items, options.quick ? () => {} : log);
  const chosen = options.quick ? all.slice(0, 2) : all.filter((c) => !(options.noTrained && c.label.startsWith('trained')) && c.label.startsWith(options.only ?? ''));
  for (const c of chosen) {
    let reference: CvxoptOut | undefined;
    if (python) {
      log(`cvxopt ${c.label}`);
      reference = runCvxopt(tools, python, c);
      const errors = reference.latents.map((z, i) => relativeError(z, c.latents[i]));
      const thr = median(reference.thresholds).toExponential(1);
      const gaveUp = reference.feasible.filter((f) => !f).length;
      rows.push({ suite: SUITE, case: c.label, impl: 'cvxopt lp (authors)', items: c.latents.length, timeMs: median(reference.times_ms) * c.latents.length, perItemMs: median(reference.times_ms), error: median(errors), note: `CPU ${median(reference.cpu_ms).toPrecision(3)} ms; median ${median(reference.lp_solves)} LPs, final threshold ${thr}${gaveUp ? `; ${gaveUp} gave up at the cap` : ''}` });
      log(`  cvxopt: CPU ${median(reference.cpu_ms).toPrecision(3)} ms; errors ${errors.map((e) => e.toExponential(2)).join(' ')}; thresholds ${reference.thresholds.map((t) => t.toExponential(3)).join(' ')}`);
    }
    for (const [impl, v] of [['inv lp-linf', {}], ['inv lp-linf (LP only)', { fastPath: false }]] as const) {
      log(`inv ${c.label} ${impl}`);
      // One untimed solve per instance, so that V8 has optimised the HiGHS wasm for this shape.
      await solve(problemOf(c, 0), 'lp-linf', v);
      const r = await timeSingles(c, v);
      const ratio = reference ? `, ${(r.cpuMs / median(reference.cpu_ms)).toFixed(2)}x cvxopt CPU, ${(r.ms / median(reference.times_ms)).toFixed(2)}x wall` : '';
      const bad = r.statuses.filter((s) => s !== 'converged').length;
      rows.push({
        suite: SUITE,
        case: c.label,
        impl,
        items: c.latents.length,
        timeMs: r.ms * c.latents.length,
        perItemMs: r.ms,
        error: median(r.errors),
        note: `CPU ${r.cpuMs.toPrecision(3)} ms; median ${r.lps} LPs, final threshold ${median(r.thresholds).toExponential(1)}${ratio}${bad ? `; ${bad} not converged` : ''}`,
      });
      log(`  ${impl}: CPU ${r.cpuMs.toPrecision(3)} ms${ratio}; errors ${r.errors.map((e) => e.toExponential(2)).join(' ')}; thresholds ${r.thresholds.map((t) => t.toExponential(3)).join(' ')}; ${r.statuses.join(' ')}`);
    }
  }
  return rows;
}
