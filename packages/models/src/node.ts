/** @inv/models/node: the shipped assets read synchronously from disk, and the training script. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertInteger, loadOptional, now, ValueError, type Generator } from '@inv/core';
import { readBytes, readGenerator, writeFileAtomic, writeGenerator } from '@inv/core/node';
import { decodeDigits, encodeDigits, toDigits, type Digits } from './digits.js';
import { mnistSplit, selectDigits } from './mnist-source.js';
import { checkModelName, HELD_OUT_FILE, modelFile, modelWidths, WEIGHTS_FILE, type MnistModelName } from './names.js';
import type { TrainProgress } from './vae.js';

export * from './index.js';
export { mnistPackageDigits, mnistSplit } from './mnist-source.js';

/** The package's assets folder (src/ and dist/ both sit next to it). */
export const assetsDir: string = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

const generators = new Map<MnistModelName, Generator>();
let heldOut: Digits | undefined;

/** Read once per name and shared afterwards (a Generator's weights are never written in place). */
export function mnistGenerator(name: MnistModelName): Generator {
  const checked = checkModelName(name, 'model name');
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
  model: MnistModelName;
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

/** Epochs of the shipped models (the defaults, so that a default run reproduces the shipped files). */
export const DEFAULT_EPOCHS: Readonly<Record<MnistModelName, number>> = Object.freeze({ '20-60-784': 40, '20-500-500-784': 20 });

function checkPositive(value: number, field: string, max = Infinity): number {
  assertInteger(value, field, 1);
  if (value > max) throw new ValueError(`${field}: expected an integer <= ${max}, got ${value}`);
  return value;
}

/** Trains a VAE on the training digits (never the held-out ones); prints nothing (see onProgress). */
export async function trainMnistVae(options: TrainOptions): Promise<{ generator: Generator; losses: number[]; timeMs: number }> {
  const model = checkModelName(options.model);
  const epochs = checkPositive(options.epochs ?? DEFAULT_EPOCHS[model], 'epochs');
  const batchSize = checkPositive(options.batchSize ?? 100, 'batchSize');
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new ValueError(`seed: expected a finite number, got ${seed}`);
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new ValueError(`learningRate: expected a positive number, got ${learningRate}`);
  const { training } = mnistSplit();
  // tfjs (an optional peer of @inv/core) is loaded only here: the decoders themselves never need it.
  const { trainVae } = await loadOptional(() => import('./vae.js'), 'training');
  const count = checkPositive(options.digits ?? training.labels.length, 'digits', training.labels.length);
  const startedAt = now();
  const { generator, losses } = await trainVae({
    widths: modelWidths(model),
    pixels: selectDigits(training, Array.from({ length: count }, (_, i) => i)).pixels,
    epochs,
    batchSize,
    seed,
    bias: options.bias ?? false,
    learningRate,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return { generator, losses, timeMs: now() - startedAt };
}

/** Saves a decoder as `<dir>/<name>/model.json` + `weights.bin` (dir defaults to the assets folder). */
export function writeMnistModel(generator: Generator, name: MnistModelName, dir: string = assetsDir): string {
  const target = join(dir, checkModelName(name, 'model name'));
  const expected = modelWidths(name).join('-');
  if (generator.widths.join('-') !== expected) throw new ValueError(`generator: has widths ${generator.widths.join('-')}, expected ${expected} for model '${name}'`);
  return writeGenerator(generator, target, { weightsFile: WEIGHTS_FILE });
}
