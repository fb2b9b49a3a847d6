/**
 * Benchmarks: decoding a batch of latents (float64 kernels vs tfjs-wasm vs numpy) and one training
 * epoch (tfjs-wasm vs the same VAE step written in numpy). Node only (reads the shipped assets).
 */
import { gaussianVector, Matrix, median, MissingPackageError, Rng, relativeError, type BenchOptions, type BenchRow, type Generator } from '@inv/core';
import { fromTensor, initTf, TfGenerator, tf } from '@inv/core/tf';
import { referenceScript, runPythonJson } from '@inv/core/node';
import { mnistGenerator, mnistSplit, trainMnistVae } from './node.js';
import { MNIST_MODELS, type MnistModelName } from './names.js';

/** The numpy references (tooling/reference/models.py) need numpy. */
export const benchPython = ['numpy'];

const SUITE = 'models';

function row(caseName: string, impl: string, items: number, timeMs: number, error?: number, note?: string): BenchRow {
  return { suite: SUITE, case: caseName, impl, items, timeMs, perItemMs: timeMs / items, error, note };
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

async function decodeRows(name: MnistModelName, G: Generator, count: number, python: string | undefined): Promise<BenchRow[]> {
  const caseName = `${name} decode ${count}`;
  const Z = new Matrix(count, G.inputDim, gaussianVector(new Rng(1), count * G.inputDim));
  // Both implementations are timed alike: one untimed warm-up call, then the median of 3.
  G.forwardRows(Z);
  const f64Runs = Array.from({ length: 3 }, () => timed(() => G.forwardRows(Z)));
  const f64 = { value: f64Runs[2].value, ms: median(f64Runs.map((r) => r.ms)) };
  const tg = await TfGenerator.create(G);
  const zt = tf.tensor2d(Float32Array.from(Z.data), [count, G.inputDim]);
  tg.forward(zt).dispose(); // warm-up: the first wasm call compiles kernels
  const times: number[] = [];
  let out: Matrix | undefined;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    out = await fromTensor(tf.tidy(() => tg.forward(zt)));
    times.push(performance.now() - t);
  }
  zt.dispose();
  tg.dispose();
  const rows = [row(caseName, 'inv float64', count, f64.ms), row(caseName, 'inv tfjs-wasm', count, median(times), relativeError(out!.data, f64.value.data), 'error vs float64')];
  if (python) {
    const ref = runPythonJson<{ timeMs: number; output: number[] }>(python, referenceScript('models.py'), { task: 'decode', generator: plainWeights(G), latents: Array.from(Z.data), count });
    rows.push(row(caseName, 'numpy float64', count, ref.timeMs, relativeError(ref.output, f64.value.data), 'error vs inv float64'));
  }
  return rows;
}

const plainWeights = (G: Generator) => G.layers.map((l) => ({ rows: l.weight.rows, cols: l.weight.cols, weight: Array.from(l.weight.data) }));

async function trainRows(name: MnistModelName, digits: number, python: string | undefined): Promise<BenchRow[]> {
  const caseName = `${name} train 1 epoch, ${digits} digits`;
  const r = await trainMnistVae({ model: name, epochs: 1, digits, seed: 0 });
  const rows = [row(caseName, 'inv tfjs-wasm', digits, r.timeMs, undefined, `loss ${r.losses[0].toFixed(1)}`)];
  if (python) {
    const pixels = Array.from(mnistSplit().training.pixels.subarray(0, digits * 784));
    const ref = runPythonJson<{ timeMs: number; loss: number }>(python, referenceScript('models.py'), { task: 'train', widths: name.split('-').map(Number), pixels, batchSize: 100, learningRate: 1e-3 });
    rows.push(row(caseName, 'numpy float32', digits, ref.timeMs, undefined, `loss ${ref.loss.toFixed(1)}`));
  }
  return rows;
}

export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchRow[]> {
  await initTf();
  const log = options.log ?? (() => {});
  const rows: BenchRow[] = [];
  for (const name of MNIST_MODELS) {
    log(`${SUITE}: ${name}`);
    rows.push(...(await decodeRows(name, mnistGenerator(name), options.quick ? 256 : 1000, options.python)));
    try {
      rows.push(...(await trainRows(name, options.quick ? 500 : 2000, options.python)));
    } catch (e) {
      // Training reads the optional `mnist` package; without it only the decoding rows are measured.
      if (!(e instanceof MissingPackageError)) throw e;
      log(`${SUITE}: training rows skipped (${e.message})`);
    }
  }
  return rows;
}
