/**
 * `--redis`: the bridge between the commands and @inv/queue, which is imported only here and only when
 * a queue is asked for (so `inv` without `--redis` never loads BullMQ or ioredis).
 */
import { resolve } from 'node:path';
import { InvError, type Generator, type Matrix, type OptionValues } from '@inv/core';
import type * as QueueModule from '@inv/queue';
import { defineFlags, type ParsedArgs } from '../args.js';
import { UsageError } from '../errors.js';
import type { ExperimentOptions } from '../experiments/types.js';
import { progressBar, type Io, type ProgressBar } from '../io.js';
import { isMissing } from '../solvers.js';
import { experimentPayloads, fileHash, generatorHash, JOB_FORMAT, measurementFiles, MAX_TRIALS, type SolvePayload } from './jobs.js';
import type { ChunkResult } from './thread.js';

/**
 * Batches of 16 or more run on tfjs-wasm in float32, smaller ones in float64 (docs/contributing.md,
 * "Conventions"), so a chunk is never smaller than 16 rows: each then takes the path the whole batch takes.
 */
const MIN_CHUNK = 16;

/** `--chunk` of `inv solve`: rows per job. */
export const CHUNK_FLAG = defineFlags({
  chunk: { type: 'number', integer: true, min: MIN_CHUNK, max: 4096, default: 64, description: 'rows of the observation per job, at least (with --redis)' },
});

export const QUEUE_FLAGS = defineFlags({
  redis: { type: 'string', description: 'run the work as jobs on this Redis (redis:// or rediss://; `inv worker` processes them)', placeholder: 'url' },
  queue: { type: 'string', default: 'inv', description: 'the job queue name (with --redis)', placeholder: 'name' },
});

/** Imports @inv/queue and checks `--redis` (a malformed URL or queue name is a usage error, exit 2). */
export async function loadQueue(flags: ParsedArgs['flags']): Promise<typeof QueueModule> {
  let queue: typeof QueueModule;
  try {
    queue = await import('@inv/queue');
  } catch (e) {
    if (isMissing(e)) throw new UsageError('--redis: the optional package @inv/queue is not installed (pnpm add @inv/queue)');
    throw e;
  }
  try {
    queue.parseRedisUrl(String(flags.redis));
    queue.checkQueueName(String(flags.queue));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return queue;
}

/** Progress of the jobs: the bar on a terminal, JSON lines on stderr with --json (at most ten a second). */
function reporter(io: Io, bar: ProgressBar): (p: QueueModule.JobsProgress) => void {
  let last = 0;
  return (p) => {
    const note = [p.reused && `${p.reused} reused`, p.stalled && `${p.stalled} stalled`, p.failed && `${p.failed} failed`].filter(Boolean).join(', ');
    bar.tick(p.done, note || undefined);
    const t = Date.now();
    if (io.json && (t - last >= 100 || p.done === p.total)) {
      last = t;
      io.err(`${JSON.stringify({ progress: p })}\n`);
    }
  };
}

async function run(io: Io, flags: ParsedArgs['flags'], jobs: QueueModule.JobSpec[], what: string): Promise<unknown[]> {
  const queue = await loadQueue(flags);
  const bar = progressBar(io, jobs.length, what);
  let report: QueueModule.RunJobsReport;
  try {
    report = await queue.runJobs(jobs, { url: String(flags.redis), queue: String(flags.queue), onProgress: reporter(io, bar) });
  } finally {
    bar.finish();
  }
  if (report.failures.length) {
    const f = report.failures[0];
    throw new InvError('ERR_JOB', `${what}: ${report.failures.length} of ${jobs.length} jobs failed (first: ${f.label}, job ${f.id}: ${f.reason})`);
  }
  return report.results;
}

/** `inv experiment <name> --redis`: one job per task; the outcomes in task order. */
export async function experimentOnQueue(io: Io, args: ParsedArgs, name: string, options: ExperimentOptions, tasks: number): Promise<unknown[]> {
  if (args.given.has('workers')) throw new UsageError('--workers: not with --redis (the `inv worker` processes do the work)');
  if (options.trials > MAX_TRIALS) throw new UsageError(`--trials: at most ${MAX_TRIALS} with --redis`);
  const jobs = experimentPayloads(name, options, tasks).map((payload) => ({ kind: 'experiment', payload, label: `task ${payload.index} of ${name}` }));
  return run(io, args.flags, jobs, `experiment ${name}`);
}

/** What `inv solve` has loaded and checked; the model path, measurement spec and --chunk come from the flags. */
export interface SolveJobInput {
  solver: string;
  generator: Generator;
  batch: boolean;
  Y: Matrix;
  seed: number;
  /** What the problem states about its noise, as \`inv solve\` builds it from its flags. */
  noise: { noiseLevel?: number; noiseNorm?: number; verdict: { noiseFactor?: number; tol?: number } };
  options: OptionValues;
}

/** `inv solve --redis`: the batch in chunks of rows; the results in row order. */
export async function solveOnQueue(io: Io, args: ParsedArgs, input: SolveJobInput): Promise<ChunkResult[]> {
  if (!input.batch) throw new UsageError('--redis: expected a batch (a B×m observation matrix); solve a single vector locally');
  const spec = String(args.flags.measurement);
  const chunk = args.flags.chunk as number;
  // Workers read the files by absolute path (on a shared file system) and check them by content.
  const files = measurementFiles(spec).map((p) => resolve(p));
  const measurement = files.length ? `${spec.slice(0, spec.indexOf(':'))}:${files[0]}` : spec;
  const options: SolvePayload['options'] = {};
  for (const [k, v] of Object.entries(input.options)) if (v !== undefined) options[k] = v instanceof Float64Array ? Array.from(v) : v;
  const base = {
    format: JOB_FORMAT,
    solver: input.solver,
    model: { path: resolve(String(args.flags.model)), sha256: generatorHash(input.generator) },
    measurement,
    files: files.map((path) => ({ path, sha256: fileHash(path) })),
    seed: input.seed,
    noiseLevel: input.noise.noiseLevel,
    noiseNorm: input.noise.noiseNorm,
    noiseFactor: input.noise.verdict.noiseFactor,
    fitTol: input.noise.verdict.tol,
    options,
  };
  const { rows, cols, data } = input.Y;
  const jobs: QueueModule.JobSpec[] = [];
  // floor(rows / chunk) near-equal contiguous chunks: each has at least `chunk` rows (or is the whole batch).
  const count = Math.max(1, Math.floor(rows / chunk));
  for (let c = 0; c < count; c++) {
    const item = Math.floor((c * rows) / count);
    const end = Math.floor(((c + 1) * rows) / count);
    const chunkRows = Array.from({ length: end - item }, (_, r) => Array.from(data.subarray((item + r) * cols, (item + r + 1) * cols)));
    const payload: SolvePayload = { ...base, rows: chunkRows, item, items: rows };
    jobs.push({ kind: 'solve', payload, label: `rows ${item}–${end - 1}` });
  }
  const parts = (await run(io, args.flags, jobs, `solve ${input.solver}`)) as ChunkResult[][];
  return parts.flat();
}
