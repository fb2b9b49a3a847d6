/**
 * Kernel benchmark: core's matTvec on the JS loop and on the WebAssembly SIMD kernel (resident
 * matrices), and Generator.forward on the paper's 20-600-500-500 net, next to numpy (tooling/reference/core.py)
 * on the same shapes; forward and vjp of a conv generator with conv-20-784's shapes on both kernels.
 * Node only (the numpy reference runs in a child process).
 */
import { Generator } from './generator.js';
import { getKernel, makeResident, setKernel, type KernelName } from './kernels/index.js';
import { Matrix, matTvec, norm2, sub } from './linalg.js';
import { median } from './metrics.js';
import { referenceScript, runPythonJson } from './node.js';
import { gaussianVector, Rng } from './random.js';
import { randomConvGenerator } from './random-conv.js';
import { sigmoid } from './activations.js';
import type { BenchOptions } from './bench-contract.js';
import { now, type Result } from './result.js';
import type { BenchRow } from './table.js';

/** The numpy reference (tooling/reference/core.py) needs numpy. */
export const benchPython = ['numpy'];

const WIDTHS = [20, 600, 500, 500];
/** Timed runs per measurement; the median is reported (here and in the reference). */
const REPEATS = 5;

/** matTvec shapes: A is rows×cols, y has `zeroFraction` exact zeros (as after a ReLU). */
const PRODUCTS = [
  { rows: 500, cols: 600, zeroFraction: 0.5 },
  { rows: 600, cols: 20, zeroFraction: 0 },
  { rows: 784, cols: 500, zeroFraction: 0 },
] as const;

interface Reference {
  products: { ms: number }[];
  forward: { ms: number; output: number[] };
}

/** Wall-clock ms. */
const wallMs = (): number => now();
/** Process CPU ms (a loaded machine inflates wall time). */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Median time (ms, on `clock`) of `calls` calls of f, after a warm-up of the same length. */
function timeCalls(f: () => void, calls: number, clock: () => number = wallMs): number {
  for (let c = 0; c < calls; c++) f();
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t = clock();
    for (let c = 0; c < calls; c++) f();
    times.push(clock() - t);
  }
  return median(times);
}

/** conv-20-784's stages (packages/models) with random weights: Dense → 7×7×32, two 4×4 stride-2 Conv2DTranspose to 28×28×1. */
function convDecoderShapes(): Generator {
  return randomConvGenerator(20, [
    { kind: 'dense', shape: [7, 7, 32] },
    { kind: 'conv2d_transpose', filters: 16, kernel: 4, stride: 2 },
    { kind: 'conv2d_transpose', filters: 1, kernel: 4, stride: 2 },
  ], { seed: 0, bias: true, outputActivation: sigmoid });
}

function withKernel<T>(kernel: KernelName, f: () => T): T {
  const before = getKernel();
  setKernel(kernel);
  try {
    return f();
  } finally {
    setKernel(before);
  }
}

const sparseY = (rows: number, zeroFraction: number, rng: Rng): Float64Array => {
  const y = gaussianVector(rng, rows);
  for (let i = 0; i < rows; i++) if (rng.uniform() < zeroFraction) y[i] = 0;
  return y;
};

/** ‖a − b‖ / ‖b‖. */
const relDiff = (a: ArrayLike<number>, b: Float64Array) => norm2(sub(a, b)) / norm2(b);

const row = (caseName: string, impl: string, calls: number, timeMs: number, error?: number, note?: string): BenchRow =>
  ({ suite: 'core', case: caseName, impl, items: calls, timeMs, perItemMs: timeMs / calls, error, note });

export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const calls = options.quick ? 200 : 1000;
  const rng = new Rng(0);
  const rows: BenchRow[] = [];
  const kernels: KernelName[] = getKernel() === 'wasm' ? ['js', 'wasm'] : ['js'];

  for (const p of PRODUCTS) {
    const A = new Matrix(p.rows, p.cols, gaussianVector(rng, p.rows * p.cols));
    const y = sparseY(p.rows, p.zeroFraction, rng);
    const out = new Float64Array(p.cols);
    const caseName = `matTvec ${p.rows}x${p.cols}${p.zeroFraction ? `, ${p.zeroFraction * 100}% zeros` : ''}`;
    log(`core: ${caseName}`);
    makeResident(A);
    for (const k of kernels) rows.push(row(caseName, `inv ${k}`, calls, withKernel(k, () => timeCalls(() => matTvec(A, y, out), calls))));
  }

  const generator = Generator.random(WIDTHS, { seed: 0 });
  const z = gaussianVector(new Rng(1), WIDTHS[0]);
  const caseName = `Generator.forward ${WIDTHS.join('-')}`;
  log(`core: ${caseName}`);
  const outputs: Partial<Record<KernelName, Float64Array>> = {};
  for (const k of kernels) {
    const ms = withKernel(k, () => timeCalls(() => generator.forward(z), calls));
    outputs[k] = withKernel(k, () => generator.forward(z));
    rows.push(row(caseName, `inv ${k}`, calls, ms));
  }
  const js = outputs.js!;
  const relTo = (other: ArrayLike<number>) => relDiff(other, js);
  if (outputs.wasm) rows[rows.length - 1].error = relTo(outputs.wasm);

  const conv = convDecoderShapes();
  const zc = gaussianVector(new Rng(2), 20), vc = gaussianVector(new Rng(3), conv.outputDim);
  const convName = conv.describe().split(' ')[0];
  for (const [what, f] of [['forward', () => conv.forward(zc)], ['vjp', () => conv.vjp(zc, vc)]] as const) {
    const caseName = `conv ${convName} ${what === 'vjp' ? 'vjp with its forward' : what} (CPU)`;
    log(`core: ${caseName}`);
    const want = withKernel('js', f);
    for (const k of kernels) {
      const ms = withKernel(k, () => timeCalls(f, calls, cpuMs));
      rows.push(row(caseName, `inv ${k}`, calls, ms, k === 'js' ? undefined : relDiff(withKernel(k, f), want), 'process CPU time; conv-20-784\'s shapes, random weights'));
    }
  }

  if (options.python) {
    log('core: numpy reference');
    const input = {
      products: PRODUCTS,
      weights: generator.layers.map((l) => ({ rows: l.weight.rows, cols: l.weight.cols, data: Array.from(l.weight.data) })),
      z: Array.from(z),
      calls,
      repeats: REPEATS,
    };
    const ref = runPythonJson<Reference>(options.python, referenceScript('core.py'), input);
    PRODUCTS.forEach((p, i) => {
      const name = `matTvec ${p.rows}x${p.cols}${p.zeroFraction ? `, ${p.zeroFraction * 100}% zeros` : ''}`;
      rows.push(row(name, 'numpy A.T @ y', calls, ref.products[i].ms, undefined, 'same shape and zero fraction, its own random values'));
    });
    rows.push(row(caseName, 'numpy', calls, ref.forward.ms, relTo(ref.forward.output), 'W @ h then max(., 0) per layer; error vs inv js'));
  }
  // Group each case's implementations together.
  const order = [...new Set(rows.map((r) => r.case))];
  return rows.sort((a, b) => order.indexOf(a.case) - order.indexOf(b.case));
}
