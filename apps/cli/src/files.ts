/**
 * Reading the user's files with messages that name them, and writing outputs only once all is known.
 * Every file a command reads is remembered, so that an output that would replace one is refused.
 */
import { assertFinite, asMatrix, imageGrid, Matrix, ShapeError, type Generator, type NdArray } from '@inv/core';
import { pngBytes, readArray, readModel, writeFilesAtomic } from '@inv/core/node';
import { SHIPPED_MODELS, type ShippedModelName } from '@inv/models';
import { mnistGenerator } from '@inv/models/node';
import { UsageError } from './errors.js';
import type { Io } from './io.js';

/** The files read so far by this process (`-`, standard input, is not a file and is left out). */
const inputs: string[] = [];

/** Reads a .npy or .json array (or standard input for `-`) and remembers it as an input. */
export function readInputArray(path: string): NdArray {
  const array = readArray(path);
  if (path !== '-') inputs.push(path);
  return array;
}

/** A layers-model model.json, an .onnx file, or the name of a shipped decoder (`20-60-784`), which wins over a file of that name. */
export function loadModel(path: string | undefined): Generator {
  if (!path) throw new UsageError(`--model: required (a layers-model model.json, an .onnx file or a shipped decoder: ${SHIPPED_MODELS.join(', ')})`);
  if ((SHIPPED_MODELS as readonly string[]).includes(path)) return mnistGenerator(path as ShippedModelName);
  const { generator, files } = readModel(path);
  inputs.push(...files);
  return generator;
}

/** The observation file as read, before its length is checked against the measurement. */
export interface ObservationFile {
  path: string;
  array: NdArray;
  /** The length of one observation (the columns of a B×m matrix). */
  length: number;
}

/** Reads the observation: a vector (one problem) or a B×m matrix (a batch); `-` is standard input. */
export function readObservation(path: string | undefined): ObservationFile {
  if (!path) throw new UsageError('--observation: required (a .npy or .json file, or - for standard input)');
  // A synchronous read from a terminal would wait for end-of-file and not even see Ctrl-C.
  if (path === '-' && process.stdin.isTTY) throw new UsageError('--observation -: standard input is a terminal; pipe or redirect a file into it');
  const array = readInputArray(path);
  return { path: path === '-' ? 'standard input' : path, array, length: array.shape[array.shape.length - 1] };
}

/** The observation as a B×m matrix, checked against the measurement's m. */
export function loadObservation(file: ObservationFile, m: number, what: string): { Y: Matrix; batch: boolean } {
  const { array, path } = file;
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

/**
 * Writes several outputs, all or none: every payload is staged before the first is renamed into
 * place, and an output that is one of the command's inputs is refused. A path of `-` goes to stdout
 * (after the files, so a failed write prints nothing).
 */
export function writeAll(files: readonly { path: string; data: Uint8Array | string }[], io?: Io): void {
  writeFilesAtomic(files.filter((f) => f.path !== '-'), { inputs });
  for (const f of files) {
    if (f.path !== '-') continue;
    if (!io || typeof f.data !== 'string') throw new UsageError("'-' (standard output) takes only a text output of this command");
    io.out(f.data);
  }
}

/** The Io for human lines when `--out -` sends the result to stdout: they go to stderr instead. */
export function humanIo(io: Io, out: unknown): Io {
  return out === '-' ? { ...io, out: (t) => io.err(t.endsWith('\n') ? t : `${t}\n`) } : io;
}
