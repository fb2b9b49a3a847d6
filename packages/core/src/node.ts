/**
 * File-system I/O for Node (kept out of the main entry so that browsers can bundle @inv/core). Every
 * error names the file; reads are bounded and writes atomic (safe-fs.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { FormatError, InvError, ValueError } from './errors.js';
import type { Generator } from './generator.js';
import type { GrayImage } from './image.js';
import { formatJsonArray, parseJsonArray } from './io/json-array.js';
import { assembleLayersModel, declaredWeightBytes, readModelJson, serializeLayersModel, type LayersModelLayout } from './io/layers-model.js';
import { DEFAULT_LIMITS, type InputLimits } from './io/limits.js';
import { parseOnnx } from './io/onnx.js';
import { serializeOnnx } from './io/onnx-write.js';
import type { NdArray } from './io/ndarray.js';
import { encodeNpy, parseNpy } from './io/npy.js';
import { encodePng } from './io/png.js';
import { FileError, readBytes, writeFileAtomic, writeFilesAtomic } from './safe-fs.js';

export { FileError, fileId, readBytes, removeStaleTemporaries, writeFileAtomic, writeFilesAtomic, type ReadOptions, type WriteOptions } from './safe-fs.js';

/** The input limits in effect: core's defaults, with INV_MAX_ARRAY_BYTES and INV_MAX_WEIGHT_BYTES applied. */
export function inputLimits(): InputLimits {
  const env = (name: string, fallback: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < 1) throw new ValueError(`${name}: expected a positive whole number of bytes, got '${raw}'`);
    return v;
  };
  return { ...DEFAULT_LIMITS, arrayBytes: env('INV_MAX_ARRAY_BYTES', DEFAULT_LIMITS.arrayBytes), weightBytes: env('INV_MAX_WEIGHT_BYTES', DEFAULT_LIMITS.weightBytes) };
}

/** `path` with every symbolic link followed, or undefined when it does not resolve (missing, no permission). */
export function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The shard's path, or an error if it leaves the model's folder (checked after symlinks are
 * resolved, and before the shard is opened).
 */
function shardPath(folder: string, realFolder: string, shard: string, modelPath: string, what = 'weight file'): string {
  if (shard === '' || isAbsolute(shard) || shard.includes('\0')) throw new FormatError(`${modelPath}: ${what} '${shard}' must be a relative path inside the model's folder`);
  const path = resolve(folder, shard);
  const real = realPath(path) ?? resolve(realFolder, shard); // missing: the read below reports it (if it stays inside)
  const rel = relative(realFolder, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new FormatError(`${modelPath}: ${what} '${shard}' is outside the model's folder; refused`);
  return path;
}

/** The model's folder, resolved and with symbolic links followed. */
function modelFolder(modelPath: string): { folder: string; realFolder: string } {
  const folder = dirname(resolve(modelPath));
  try {
    return { folder, realFolder: realpathSync(folder) };
  } catch (e) {
    throw new FileError(`${modelPath}: cannot read its folder (${(e as Error).message.split('\n')[0]})`);
  }
}

/**
 * Loads an ONNX generator: the file and any external-data files it names (inside its folder only),
 * all together at most INV_MAX_WEIGHT_BYTES.
 */
function readOnnxModel(modelPath: string, limits: InputLimits): { generator: Generator; files: string[] } {
  const bytes = readBytes(modelPath, { maxBytes: limits.weightBytes, limitName: 'INV_MAX_WEIGHT_BYTES' });
  let left = limits.weightBytes - bytes.length;
  const read = new Map<string, Uint8Array>();
  const external = (location: string, offset: number, length: number | undefined): Uint8Array => {
    const { folder, realFolder } = modelFolder(modelPath);
    const path = shardPath(folder, realFolder, location, modelPath, 'external data file');
    let data = read.get(path);
    if (!data) {
      data = readBytes(path, { maxBytes: left, limitName: 'INV_MAX_WEIGHT_BYTES' });
      left -= data.length;
      read.set(path, data);
    }
    const end = length === undefined ? data.length : offset + length;
    if (end > data.length) throw new FormatError(`${modelPath}: external data '${location}' holds ${data.length} bytes, fewer than offset ${offset} + length ${end - offset}`);
    return data.subarray(offset, end);
  };
  const generator = parseOnnx(bytes, { source: modelPath, external, maxNodes: limits.nodes });
  return { generator, files: [modelPath, ...read.keys()] };
}

/**
 * Loads a generator from a layers-model model.json and its weight shards, or from an .onnx file,
 * returning the files read. Every shard must lie inside the model's folder; reads are bounded by the
 * manifest's byte count (layers model) or INV_MAX_WEIGHT_BYTES (ONNX).
 */
export function readModel(modelPath: string): { generator: Generator; files: string[] } {
  const limits = inputLimits();
  if (extname(modelPath).toLowerCase() === '.onnx') return readOnnxModel(modelPath, limits);
  const { json, shards } = readModelJson(readBytes(modelPath, { maxBytes: limits.modelJsonBytes }), modelPath);
  const declared = declaredWeightBytes(json, modelPath);
  if (declared > limits.weightBytes) {
    throw new FormatError(`${modelPath}: the manifest declares ${declared} weight bytes, more than the limit of ${limits.weightBytes} (INV_MAX_WEIGHT_BYTES)`);
  }
  const { folder, realFolder } = modelFolder(modelPath);
  const paths = shards.map((p) => shardPath(folder, realFolder, p, modelPath));
  let left = declared;
  const bytes = paths.map((p) => {
    // Each shard may hold at most what the manifest has not yet accounted for.
    const b = readBytes(p, { maxBytes: left });
    left -= b.length;
    return b;
  });
  return { generator: assembleLayersModel(json, bytes, modelPath), files: [modelPath, ...paths] };
}

/** Loads a generator from a layers-model model.json (the weight shards are read from its folder) or an .onnx file. */
export function readGenerator(modelPath: string): Generator {
  return readModel(modelPath).generator;
}

/**
 * Saves a generator as `<dir>/model.json` + `<dir>/<weightsFile>` (or to the given .json path), or as
 * one ONNX file when `target` ends in .onnx. Returns the path of the model file.
 */
export function writeGenerator(generator: Generator, target: string, options: { layout?: LayersModelLayout; weightsFile?: string } = {}): string {
  if (extname(target).toLowerCase() === '.onnx') {
    writeFileAtomic(target, serializeOnnx(generator));
    return target;
  }
  const modelPath = extname(target) === '.json' ? target : join(target, 'model.json');
  const weightsPath = options.weightsFile ?? 'weights.bin';
  const files = serializeLayersModel(generator, { layout: options.layout, weightsPath });
  writeFilesAtomic([
    { path: join(dirname(modelPath), weightsPath), data: files.weightData },
    { path: modelPath, data: JSON.stringify(files.modelJson) },
  ]);
  return modelPath;
}

/**
 * Reads a .npy or .json array (by extension), at most INV_MAX_ARRAY_BYTES. `-` reads standard input,
 * which is .npy if it starts with the .npy magic and JSON otherwise.
 */
export function readArray(path: string): NdArray {
  const ext = extname(path).toLowerCase();
  if (path !== '-' && ext !== '.npy' && ext !== '.json') throw new FormatError(`${path}: unknown array file type '${ext || '(none)'}' (expected .npy or .json)`);
  const bytes = readBytes(path, { maxBytes: inputLimits().arrayBytes, limitName: 'INV_MAX_ARRAY_BYTES' });
  const source = path === '-' ? 'standard input' : path;
  if (ext === '.npy' || (path === '-' && bytes[0] === 0x93)) return parseNpy(bytes, source);
  return parseJsonArray(new TextDecoder().decode(bytes), source);
}

/**
 * Writes a vector or row-major matrix as .npy (float64 unless asked) or .json, by extension: either
 * what `readArray` returns (`{ shape, data }`) or the data with its shape.
 */
export function writeArray(path: string, array: NdArray, dtype?: 'float64' | 'float32'): void;
export function writeArray(path: string, data: ArrayLike<number>, shape?: readonly number[], dtype?: 'float64' | 'float32'): void;
export function writeArray(path: string, first: NdArray | ArrayLike<number>, second?: readonly number[] | 'float64' | 'float32', third?: 'float64' | 'float32'): void {
  const whole = 'shape' in first && 'data' in first && !Array.isArray(first);
  const data = whole ? (first as NdArray).data : (first as ArrayLike<number>);
  const shape = whole ? (first as NdArray).shape : ((second as readonly number[] | undefined) ?? [data.length]);
  const dtype = (whole ? (second as 'float64' | 'float32' | undefined) : third) ?? 'float64';
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
  const dir = referenceDir();
  if (!dir) throw new InvError('ERR_NO_REFERENCE', `${name}: the reference scripts are in the repository's tooling/reference, not in the installed packages`);
  return join(dir, name);
}

/**
 * tooling/reference when this file is packages/core/{src,dist}/node.* of the repository, else undefined
 * (an installed copy sits in node_modules/@inv/core, whose grandparent is no `packages` folder).
 */
export function referenceDir(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const root = resolve(here, '../../../..');
  const dir = join(root, 'tooling', 'reference');
  return basename(resolve(here, '../../..')) === 'packages' && existsSync(dir) ? dir : undefined;
}

/** Runs a Python script with JSON on stdin and parses the JSON it prints on stdout. */
export function runPythonJson<T = unknown>(python: string, script: string, input: unknown, timeoutMs = 600_000): T {
  const r = spawnSync(python, [script], { input: JSON.stringify(input), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new InvError('ERR_PYTHON', `${script}: python exited with ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').pop()}`);
  return JSON.parse(r.stdout) as T;
}
