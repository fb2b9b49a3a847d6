/**
 * File-system I/O for Node (kept out of the main entry so that browsers can bundle @inv/core). Every
 * error names the file; writes go to a temporary file first so that a failure never leaves a
 * half-written output.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { FormatError, InvError } from './errors.js';
import type { Generator } from './generator.js';
import type { GrayImage } from './image.js';
import { formatJsonArray, parseJsonArray } from './io/json-array.js';
import { assembleLayersModel, readModelJson, serializeLayersModel, type LayersModelLayout } from './io/layers-model.js';
import type { NdArray } from './io/ndarray.js';
import { encodeNpy, parseNpy } from './io/npy.js';
import { encodePng } from './io/png.js';

/** Thrown when a file cannot be read or written (missing, unreadable, a directory). */
export class FileError extends InvError {
  constructor(message: string) {
    super('ERR_FILE', message);
  }
}

export function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new FileError(`${path}: cannot read (${why})`);
  }
}

/** Writes atomically: a temporary file in the same folder, renamed over the target. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable; there is nothing to clean up
    }
    throw new FileError(`${path}: cannot write (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Loads a generator from a layers-model model.json; the weight shards are read from its folder. */
export function readGenerator(modelPath: string): Generator {
  const { json, shards } = readModelJson(readBytes(modelPath), modelPath);
  return assembleLayersModel(json, shards.map((p) => readBytes(resolve(dirname(modelPath), p))), modelPath);
}

/**
 * Saves a generator as `<dir>/model.json` + `<dir>/<weightsFile>` (or to the given .json path).
 * Returns the model.json path.
 */
export function writeGenerator(generator: Generator, target: string, options: { layout?: LayersModelLayout; weightsFile?: string } = {}): string {
  const modelPath = extname(target) === '.json' ? target : join(target, 'model.json');
  const weightsPath = options.weightsFile ?? 'weights.bin';
  const files = serializeLayersModel(generator, { layout: options.layout, weightsPath });
  writeFileAtomic(join(dirname(modelPath), weightsPath), files.weightData);
  writeFileAtomic(modelPath, JSON.stringify(files.modelJson));
  return modelPath;
}

/** Reads a .npy or .json array (by extension). */
export function readArray(path: string): NdArray {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return parseNpy(readBytes(path), path);
  if (ext === '.json') return parseJsonArray(new TextDecoder().decode(readBytes(path)), path);
  throw new FormatError(`${path}: unknown array file type '${ext || '(none)'}' (expected .npy or .json)`);
}

/** Writes a vector or row-major matrix as .npy (float64 unless asked) or .json, by extension. */
export function writeArray(path: string, data: ArrayLike<number>, shape: readonly number[] = [data.length], dtype: 'float64' | 'float32' = 'float64'): void {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') writeFileAtomic(path, encodeNpy(data, shape, dtype));
  else if (ext === '.json') writeFileAtomic(path, formatJsonArray(data, shape));
  else throw new FormatError(`${path}: unknown array file type '${ext || '(none)'}' (expected .npy or .json)`);
}

/** Writes a gray image as PNG, each pixel drawn as a scale×scale block. */
export function writePng(path: string, image: GrayImage, scale = 1): void {
  writeFileAtomic(path, pngBytes(image, scale));
}

/** A gray image as PNG bytes (zlib from Node), each pixel drawn as a scale×scale block. */
export function pngBytes(image: GrayImage, scale = 1): Uint8Array {
  return encodePng(image, (raw) => deflateSync(raw), scale);
}

export { closeWorkers, idleWorkers, mapInWorkers, serveWorker, type PoolOptions, type TaskControl } from './workers.js';

/**
 * The first python3 that can import every module in `modules` (for the reference benchmarks), else
 * undefined. INV_PYTHON names the only executable tried; otherwise `python3` on PATH, then the
 * system's /usr/bin/python3 (Debian packages such as python3-cvxopt install there, while PATH may
 * lead to another python).
 */
export function findPython(modules: readonly string[]): string | undefined {
  const candidates = process.env.INV_PYTHON ? [process.env.INV_PYTHON] : ['python3', '/usr/bin/python3'];
  const code = modules.map((m) => `import ${m}`).join('; ') || 'pass';
  return candidates.find((exe) => spawnSync(exe, ['-c', code], { stdio: 'ignore', timeout: 30_000 }).status === 0);
}

/**
 * The path of a Python reference script in the monorepo's tooling/reference/ (`plugin.py`, …), for
 * benchmarks; the scripts are dev tooling and are not part of the published packages.
 */
export function referenceScript(name: string): string {
  // This file is packages/core/{src,dist}/node.*: the repository root is three levels up.
  return fileURLToPath(new URL(`../../../tooling/reference/${name}`, import.meta.url));
}

/** Runs a Python script with JSON on stdin and parses the JSON it prints on stdout. */
export function runPythonJson<T = unknown>(python: string, script: string, input: unknown, timeoutMs = 600_000): T {
  const r = spawnSync(python, [script], { input: JSON.stringify(input), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new InvError('ERR_PYTHON', `${script}: python exited with ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').pop()}`);
  return JSON.parse(r.stdout) as T;
}
