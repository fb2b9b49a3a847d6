/** @inv/models/node: the shipped assets read synchronously from disk, and the training script. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertInteger, loadOptional, now, ValueError, type Generator } from '@inv/core';
import { readBytes, readGenerator, writeFileAtomic, writeGenerator } from '@inv/core/node';
import { decodeDigits, encodeDigits, toDigits, type Digits } from './digits.js';
import { mnistSplit, selectDigits } from './mnist-source.js';
import { checkShippedModelName, HELD_OUT_FILE, isConvModel, modelFile, modelLeak, modelWidths, WEIGHTS_FILE, type ShippedModelName } from './names.js';
import type { TrainProgress } from './vae.js';

export * from './index.js';
export { mnistPackageDigits, mnistSplit } from './mnist-source.js';

/** The package's assets folder (src/ and dist/ both sit next to it). */
export const assetsDir: string = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

const generators = new Map<ShippedModelName, Generator>();
let heldOut: Digits | undefined;

/** Read once per name and shared afterwards (a Generator's weights are never written in place). */
export function mnistGenerator(name: ShippedModelName): Generator {
  const checked = checkShippedModelName(name, 'model name');
  let G = generators.get(checked);
  if (!G) {
    G = readGenerator(join(assetsDir, modelFile(checked)));
    generators.set(checked, G);
  }
  return G;
}

/** Read once and shared afterwards. */
export function heldOutDigits(): Digits {
  if (!heldOut) {
    const path = join(assetsDir, HELD_OUT_FILE);
    heldOut = toDigits(decodeDigits(readBytes(path), path));
  }
  return heldOut;
}

/** Writes the held-out digits of the fixed split to `<dir>/heldout-digits.bin`; returns the path. */
export function writeHeldOutDigits(dir: string = assetsDir): string {
  const path = join(dir, HELD_OUT_FILE);
  writeFileAtomic(path, encodeDigits(mnistSplit().heldOut));
  return path;
}

export interface TrainOptions {
  model: ShippedModelName;
  /** Passes over the training digits (default DEFAULT_EPOCHS[model], as shipped). */
  epochs?: number;
  /** Digits per Adam step (default 100, as in PLUGIn). */
  batchSize?: number;
  /** Fixes weight init, batch order and sampling noise (default 0). */
  seed?: number;
  /** How many of the 9,000 training digits to use (default all). */
  digits?: number;
  /** Give the decoder biases (the papers' nets have none; default false). */
  bias?: boolean;
  /** Adam step size (default 1e-3, as in PLUGIn). */
  learningRate?: number;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

/** Epochs of the shipped conv decoder (about 25 s each on 2 shared cores). */
export const CONV_EPOCHS = 30;
const CONV_SHAPES = '20-7x7x32-14x14x16-28x28x1';

/** Epochs of the shipped models (the defaults, so that a default run reproduces the shipped files). */
export const DEFAULT_EPOCHS: Readonly<Record<ShippedModelName, number>> = Object.freeze({ '20-60-784': 40, '20-500-500-784': 20, 'leaky-20-200-500-784': 60, 'conv-20-784': CONV_EPOCHS });

/**
 * The std σ of the leaky decoders' Gaussian pixel likelihood, N(G(z), σ²) on pixels in [0, 1]; fixed,
 * not learned. The reconstruction term Σ (G(z) − x)² / (2σ²) weighs a digit's squared error 12.5x
 * against the KL term at σ = 0.2. Of σ = 0.05, 0.1, 0.2, 0.3 (10 epochs each, README.md), the samples
 * G(z), z ~ N(0, I), of 0.05 and 0.1 were scribbles (the KL term too weak for the prior to match the
 * codes) and those of 0.2 and 0.3 looked most like digits.
 */
export const LEAKY_SIGMA = 0.2;

function checkPositive(value: number, field: string, max = Infinity): number {
  assertInteger(value, field, 1);
  if (value > max) throw new ValueError(`${field}: expected an integer <= ${max}, got ${value}`);
  return value;
}

/** Trains a VAE on the training digits (never the held-out ones); prints nothing (see onProgress). */
export async function trainMnistVae(options: TrainOptions): Promise<{ generator: Generator; losses: number[]; timeMs: number }> {
  const model = checkShippedModelName(options.model);
  const epochs = checkPositive(options.epochs ?? DEFAULT_EPOCHS[model], 'epochs');
  const batchSize = checkPositive(options.batchSize ?? 100, 'batchSize');
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new ValueError(`seed: expected a finite number, got ${seed}`);
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new ValueError(`learningRate: expected a positive number, got ${learningRate}`);
  const { training } = mnistSplit();
  // tfjs (an optional peer of @inv/core) is loaded only here: the decoders themselves never need it.
  const [{ trainVae }, { trainConvVae }] = await Promise.all([loadOptional(() => import('./vae.js'), 'training'), loadOptional(() => import('./conv-vae.js'), 'training')]);
  const count = checkPositive(options.digits ?? training.labels.length, 'digits', training.labels.length);
  const startedAt = now();
  const pixels = selectDigits(training, Array.from({ length: count }, (_, i) => i)).pixels;
  const common = { pixels, epochs, batchSize, seed, learningRate, onProgress: options.onProgress, signal: options.signal };
  // The conv decoder always has biases (per channel, as Keras convolutions do).
  const { generator, losses } = isConvModel(model)
    ? await trainConvVae(common)
    : await trainVae({ ...common, widths: modelWidths(model), bias: options.bias ?? false, leaky: leakyOf(modelLeak(model)) });
  return { generator, losses, timeMs: now() - startedAt };
}

const leakyOf = (alpha: number | undefined) => (alpha === undefined ? undefined : { alpha, sigma: LEAKY_SIGMA });

/** Saves a decoder as `<dir>/<name>/model.json` + `weights.bin` (dir defaults to the assets folder). */
export function writeMnistModel(generator: Generator, name: ShippedModelName, dir: string = assetsDir): string {
  const target = join(dir, checkShippedModelName(name, 'model name'));
  const [has, expected] = isConvModel(name) ? [generator.describe().split(' ')[0], CONV_SHAPES] : [generator.widths.join('-'), modelWidths(name).join('-')];
  if (has !== expected) throw new ValueError(`generator: has widths ${has}, expected ${expected} for model '${name}'`);
  return writeGenerator(generator, target, { weightsFile: WEIGHTS_FILE });
}
