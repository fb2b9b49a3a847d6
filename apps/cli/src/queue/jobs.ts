/**
 * The two kinds of `inv` job and their payloads, validated by the same functions where they are made
 * (the enqueuing command) and where they arrive (`inv worker`). A payload names work, it never carries
 * code: an experiment job is (experiment, trials, seed, index) and the worker rebuilds the task list
 * itself; a solve job is a chunk of observation rows with the solver's name and options, the model by
 * path plus content hash, and the measurement spec with the hashes of the files it names.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, sep } from 'node:path';
import { InvError, measurementSpecFiles, parseMeasurementSpec, ValueError, type Generator } from '@inv/core';
import { readBytes, realPath } from '@inv/core/node';
import { findExperiment } from '../experiments/index.js';
import type { ExperimentOptions } from '../experiments/types.js';

/** Bumped when a payload's meaning changes, so that old results are not reused for new work. */
export const JOB_FORMAT = 1;
/** Beyond this, building the task list alone would be a memory hazard on the worker. */
export const MAX_TRIALS = 10_000;
const MAX_ROWS = 8192;

export class JobError extends InvError {
  constructor(message: string) {
    super('ERR_JOB', message);
  }
}

export interface ExperimentPayload {
  format: number;
  experiment: string;
  trials: number;
  seed: number;
  index: number;
}

export interface FileRef {
  path: string;
  sha256: string;
}

export interface SolvePayload {
  format: number;
  solver: string;
  /** The model.json (absolute path) and the sha256 of the weights it holds (`generatorHash`). */
  model: FileRef;
  /** A `--measurement` spec whose file paths are absolute, and the sha256 of each file's bytes. */
  measurement: string;
  files: FileRef[];
  seed: number;
  /** The noise the problem states and the verdict's overrides (see `inv solve`'s flags). */
  noiseLevel?: number;
  noiseNorm?: number;
  noiseFactor?: number;
  fitTol?: number;
  /** Solver options as given (vectors as arrays of numbers). */
  options: Record<string, number | boolean | string | number[]>;
  rows: number[][];
  /** The index of the first row in the whole batch, and the batch size (for per-item seeds and messages). */
  item: number;
  items: number;
}

type Fields = Record<string, unknown>;

function fields(p: unknown, keys: { required: string[]; optional?: string[] }, what: string): Fields {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new JobError(`${what}: expected an object`);
  const allowed = new Set([...keys.required, ...(keys.optional ?? [])]);
  for (const k of Object.keys(p)) if (!allowed.has(k)) throw new JobError(`${what}: unexpected field '${k.slice(0, 40)}'`);
  for (const k of keys.required) if (!(k in p)) throw new JobError(`${what}: missing field '${k}'`);
  return p as Fields;
}

function int(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new JobError(`${what}: expected an integer in [${min}, ${max}], got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v;
}

function str(v: unknown, what: string, max = 4096): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new JobError(`${what}: expected a non-empty string`);
  return v;
}

function format(v: unknown, what: string): void {
  if (v !== JOB_FORMAT) throw new JobError(`${what}: job format ${JSON.stringify(v)?.slice(0, 20)} (this worker reads format ${JOB_FORMAT}; run the same inv version on every machine)`);
}

/** The tasks of an experiment at these settings (a small cache: a worker sees the same settings many times). */
let cached: { key: string; tasks: unknown[] } | undefined;
export function experimentTasks(name: string, options: ExperimentOptions): unknown[] {
  const key = `${name} ${options.trials} ${options.seed}`;
  if (cached?.key !== key) cached = { key, tasks: findExperiment(name)!.tasks(options) };
  return cached.tasks;
}

export function checkExperimentPayload(p: unknown): { payload: ExperimentPayload; task: unknown } {
  const f = fields(p, { required: ['format', 'experiment', 'trials', 'seed', 'index'] }, 'experiment job');
  format(f.format, 'experiment job');
  const experiment = str(f.experiment, 'experiment job: experiment', 100);
  if (!findExperiment(experiment)) throw new JobError(`experiment job: unknown experiment '${experiment.slice(0, 60)}'`);
  const trials = int(f.trials, 'experiment job: trials', 1, MAX_TRIALS);
  const seed = int(f.seed, 'experiment job: seed', 0, Number.MAX_SAFE_INTEGER);
  const tasks = experimentTasks(experiment, { trials, seed });
  const index = int(f.index, 'experiment job: index', 0, tasks.length - 1);
  return { payload: { format: JOB_FORMAT, experiment, trials, seed, index }, task: tasks[index] };
}

export function experimentPayloads(experiment: string, options: ExperimentOptions, count: number): ExperimentPayload[] {
  return Array.from({ length: count }, (_, index) => ({ format: JOB_FORMAT, experiment, trials: options.trials, seed: options.seed, index }));
}

/** sha256 of a generator's widths, activations, weights and biases (what a solve depends on, not the file layout). */
export function generatorHash(g: Generator): string {
  const h = createHash('sha256');
  for (const l of g.toPlain().layers) {
    h.update(`${l.rows}x${l.cols} ${l.activation} ${l.bias ? 'bias' : 'nobias'};`);
    h.update(new Uint8Array(l.weight.buffer, l.weight.byteOffset, l.weight.byteLength));
    if (l.bias) h.update(new Uint8Array(l.bias.buffer, l.bias.byteOffset, l.bias.byteLength));
  }
  return h.digest('hex');
}

export function fileHash(path: string): string {
  return createHash('sha256').update(readBytes(path)).digest('hex');
}

/** The files a job's measurement spec names (mask:<file>, matrix:<file>); a malformed spec is a JobError. */
export function measurementFiles(spec: string): string[] {
  try {
    return measurementSpecFiles(parseMeasurementSpec(spec, 'solve job: measurement'));
  } catch (e) {
    throw e instanceof ValueError ? new JobError(e.message) : e;
  }
}

/** Whether `path` (resolved through symlinks) lies in one of `dirs` (already resolved). */
export function inside(path: string, dirs: readonly string[]): boolean {
  const real = realPath(path);
  if (real === undefined) return false;
  return dirs.some((d) => real === d || real.startsWith(d.endsWith(sep) ? d : d + sep));
}

function fileRef(v: unknown, what: string, dirs: readonly string[]): FileRef {
  const f = fields(v, { required: ['path', 'sha256'] }, what);
  const path = str(f.path, `${what}: path`);
  if (!isAbsolute(path)) throw new JobError(`${what}: expected an absolute path`);
  if (!inside(path, dirs)) throw new JobError(`${what}: ${path.slice(0, 200)} is not a readable file inside this worker's --data folders`);
  const sha256 = str(f.sha256, `${what}: sha256`, 64);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new JobError(`${what}: sha256: expected 64 hex digits`);
  return { path, sha256 };
}

const NOISE_FIELDS = ['noiseLevel', 'noiseNorm', 'noiseFactor', 'fitTol'] as const;

/** Checks a solve payload's shape and that every file it names is inside `dirs`; contents are checked where they are read. */
export function checkSolvePayload(p: unknown, dirs: readonly string[]): SolvePayload {
  const f = fields(p, { required: ['format', 'solver', 'model', 'measurement', 'files', 'seed', 'options', 'rows', 'item', 'items'], optional: [...NOISE_FIELDS] }, 'solve job');
  format(f.format, 'solve job');
  const solver = str(f.solver, 'solve job: solver', 100);
  const model = fileRef(f.model, 'solve job: model', dirs);
  const measurement = str(f.measurement, 'solve job: measurement');
  if (!Array.isArray(f.files) || f.files.length > 4) throw new JobError('solve job: files: expected a list of at most 4 files');
  const files = f.files.map((x, i) => fileRef(x, `solve job: files[${i}]`, dirs));
  const named = measurementFiles(measurement);
  if (named.length !== files.length || named.some((n, i) => n !== files[i].path)) throw new JobError('solve job: files: expected exactly the files the measurement spec names');
  const seed = int(f.seed, 'solve job: seed', 0, Number.MAX_SAFE_INTEGER);
  const noise: Partial<Record<(typeof NOISE_FIELDS)[number], number>> = {};
  for (const key of NOISE_FIELDS) {
    const v = f[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new JobError(`solve job: ${key}: expected a finite number >= 0`);
    noise[key] = v;
  }
  const options = f.options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new JobError('solve job: options: expected an object');
  for (const [k, v] of Object.entries(options)) {
    const ok = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
    if (!ok) throw new JobError(`solve job: options.${k.slice(0, 40)}: expected a number, boolean, string or list of numbers`);
  }
  if (!Array.isArray(f.rows) || f.rows.length === 0 || f.rows.length > MAX_ROWS) throw new JobError(`solve job: rows: expected 1 to ${MAX_ROWS} rows`);
  const width = Array.isArray(f.rows[0]) ? f.rows[0].length : -1;
  f.rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== width || width === 0 || !r.every((x) => typeof x === 'number')) throw new JobError(`solve job: rows[${i}]: expected ${width > 0 ? width : 'some'} numbers like the first row`);
  });
  const items = int(f.items, 'solve job: items', 1, Number.MAX_SAFE_INTEGER);
  const item = int(f.item, 'solve job: item', 0, items - 1);
  if (item + f.rows.length > items) throw new JobError('solve job: rows run past items');
  return { format: JOB_FORMAT, solver, model, measurement, files, seed, ...noise, options: options as SolvePayload['options'], rows: f.rows as number[][], item, items };
}
