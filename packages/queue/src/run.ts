/**
 * The enqueueing side: add jobs under content-derived ids, wait for each, and gather the results in the
 * order of the jobs. A job that finished earlier (a rerun after an interruption, or the same work asked
 * for twice) is not added again: BullMQ ignores an add whose id exists, and its stored result is used.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import { oneLine } from '@inv/core';
import { checkQueueName, connect } from './connect.js';
import { decodePlain, jobId } from './plain.js';

export interface JobSpec {
  /** The handler a worker runs it with (`experiment`, `solve`, …). */
  kind: string;
  /** Plain data only; it determines the job's id. */
  payload: unknown;
  /** How a failure names the job (e.g. `trial 3 of plugin-phase`). */
  label?: string;
}

export interface JobsProgress {
  done: number;
  total: number;
  /** Jobs that were already finished when this run added them. */
  reused: number;
  failed: number;
  /** Stall events seen (a worker lost its lock, e.g. it died; the job went back to the queue). */
  stalled: number;
}

export interface RunJobsOptions {
  url: string;
  /** Queue name (default `inv`). */
  queue?: string;
  /** Attempts per job before it ends as failed (default 3, 1 s then 2 s apart). */
  attempts?: number;
  /** Seconds a finished job (and its result) is kept for reruns (default 7 days). */
  keepSeconds?: number;
  onProgress?(progress: JobsProgress): void;
  signal?: AbortSignal;
}

export interface JobFailure {
  index: number;
  id: string;
  label: string;
  reason: string;
}

export interface RunJobsReport {
  /** One entry per job, in order; undefined for a failed job. */
  results: unknown[];
  failures: JobFailure[];
  ids: string[];
  reused: number;
  stalled: number;
}

const ADD_CHUNK = 1000;

export async function runJobs(jobs: readonly JobSpec[], options: RunJobsOptions): Promise<RunJobsReport> {
  const name = checkQueueName(options.queue ?? 'inv');
  const connection = await connect(options.url);
  const ids = jobs.map((j) => jobId(j.kind, j.payload));
  const unique = new Map<string, JobSpec>();
  const copies = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!unique.has(id)) unique.set(id, jobs[i]);
    copies.set(id, (copies.get(id) ?? 0) + 1);
  });
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  // One waiter per job listens for the queue's 'closing'; thousands are expected.
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  queue.on('error', () => {});
  events.on('error', () => {});
  const progress: JobsProgress = { done: 0, total: jobs.length, reused: 0, failed: 0, stalled: 0 };
  const mine = new Set(unique.keys());
  events.on('stalled', ({ jobId: id }) => {
    if (mine.has(id)) {
      progress.stalled++;
      options.onProgress?.({ ...progress });
    }
  });
  const onAbort = () => void queue.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await events.waitUntilReady();
    const keep = { age: options.keepSeconds ?? 7 * 24 * 3600 };
    const attempts = options.attempts ?? 3;
    const added: Job[] = [];
    const entries = [...unique.entries()];
    for (let from = 0; from < entries.length; from += ADD_CHUNK) {
      const part = entries.slice(from, from + ADD_CHUNK);
      const states = await Promise.all(part.map(([id]) => queue.getJobState(id)));
      progress.reused += states.filter((s) => s === 'completed').length;
      added.push(
        ...(await queue.addBulk(
          part.map(([id, spec]) => ({
            name: spec.kind,
            data: spec.payload,
            opts: { jobId: id, attempts, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: keep, removeOnFail: keep },
          })),
        )),
      );
      // A job that failed in an earlier run is tried again: the cause may have been fixed since.
      await Promise.all(part.filter((_, i) => states[i] === 'failed').map(async ([id]) => (await queue.getJob(id))?.retry('failed')));
    }
    options.onProgress?.({ ...progress });
    const outcome = new Map<string, { ok: true; value: unknown } | { ok: false; reason: string }>();
    await Promise.all(
      added.map(async (job) => {
        try {
          outcome.set(job.id!, { ok: true, value: decodePlain(await job.waitUntilFinished(events)) });
        } catch (e) {
          if (options.signal?.aborted) throw abortError();
          outcome.set(job.id!, { ok: false, reason: oneLine(e) });
          progress.failed++;
        }
        progress.done += copies.get(job.id!) ?? 1;
        options.onProgress?.({ ...progress });
      }),
    );
    const failures: JobFailure[] = [];
    const results = ids.map((id, index) => {
      const o = outcome.get(id)!;
      if (o.ok) return o.value;
      failures.push({ index, id, label: jobs[index].label ?? `job ${index}`, reason: o.reason });
      return undefined;
    });
    return { results, failures, ids, reused: progress.reused, stalled: progress.stalled };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled([events.close(), queue.close()]);
  }
}

function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}
