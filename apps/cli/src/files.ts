/** Reading the user's files with messages that name them, and writing outputs only once all is known. */
import { assertFinite, asMatrix, imageGrid, Matrix, ShapeError, type Generator } from '@inv/core';
import { pngBytes, readArray, readGenerator, writeFileAtomic } from '@inv/core/node';
import { MNIST_MODELS, type MnistModelName } from '@inv/models';
import { mnistGenerator } from '@inv/models/node';
import { UsageError } from './errors.js';

/** A layers-model model.json, or the name of a shipped decoder (`20-60-784`), which wins over a file of that name. */
export function loadModel(path: string | undefined): Generator {
  if (!path) throw new UsageError(`--model: required (a layers-model model.json or a shipped decoder: ${MNIST_MODELS.join(', ')})`);
  if ((MNIST_MODELS as readonly string[]).includes(path)) return mnistGenerator(path as MnistModelName);
  return readGenerator(path);
}

/** An observation file: a vector (one problem) or a B×m matrix (a batch). */
export function loadObservation(path: string | undefined, m: number, what: string): { Y: Matrix; batch: boolean } {
  if (!path) throw new UsageError('--observation: required (a .npy or .json file)');
  const array = readArray(path);
  const Y = asMatrix(array, `observation ${path}`);
  if (Y.cols !== m) throw new ShapeError(`observation ${path}: expected ${array.shape.length === 1 ? 'length' : 'rows of length'} ${m} (${what}), got ${Y.cols}`);
  assertFinite(Y.data, `observation ${path}`);
  return { Y, batch: array.shape.length === 2 };
}

/** The side of a square image with n pixels, or undefined. */
export function imageSide(n: number): number | undefined {
  const side = Math.round(Math.sqrt(n));
  return side * side === n ? side : undefined;
}

/** PNG bytes of square images tiled into a grid, each pixel drawn as scale×scale. */
export function gridPng(images: readonly ArrayLike<number>[], columns: number, scale = 2): Uint8Array {
  return pngBytes(imageGrid(images, columns), scale);
}

/** Writes several files; each is atomic, and nothing is written until every payload exists. */
export function writeAll(files: readonly { path: string; data: Uint8Array | string }[]): void {
  for (const f of files) writeFileAtomic(f.path, f.data);
}
