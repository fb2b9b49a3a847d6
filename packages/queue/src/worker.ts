/**
 * The working side: take jobs from the queue and run them with the handler named by the job's kind.
 * Every payload is checked before anything runs (plain data within bounds, an id that matches its
 * content, then the handler's own validation); a payload that fails is rejected at once, as failed
 * with its reason, without retries, and the worker goes on. A worker that dies keeps no job: its lock
 * expires after `lockMs`, and the stalled-job check of any live worker puts the job back in the queue.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import { oneLine } from '@inv/core';
import { checkQueueName, connect } from './connect.js';
import { checkPlain, encodePlain, jobId, type PlainLimits } from './plain.js';
import { QueueError, redactUrl } from './url.js';

export interface JobHandler<P = any> {
  /** Checks a payload (already known to be plain data) and returns it typed; throws a one-line error if it is unacceptable. */
  validate(payload: unknown): P;
  /** Runs the job; the result must be plain data (typed arrays, NaN and ±Infinity are carried). */
  run(payload: P): Promise<unknown>;
  /** A short description for the worker's log. */
  describe?(payload: P): string;
}

export interface WorkerOptions {
  url: string;
  queue?: string;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  handlers: Readonly<Record<string, JobHandler>>;
  /**
   * How long a job's lock lasts (renewed at half that while the job runs; default 30 s). A dead worker's
   * job is given to another one within about lockMs + stalledMs.
   */
  lockMs?: number;
  /** How often this worker looks for stalled jobs (default 30 s). */
  stalledMs?: number;
  limits?: PlainLimits;
  /** One line per event (connected, started, done, rejected, failed). */
  log?(line: string): void;
  /** Aborting closes the worker once its running jobs have finished. */
  signal?: AbortSignal;
}

export interface WorkerReport {
  completed: number;
  failed: number;
}

/** Text from Redis made safe for a one-line log (no control characters, bounded). */
function printable(text: unknown, max = 120): string {
  const s = String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Checks a job before it runs; returns the handler and the typed payload, or throws the reason. */
function admit(handlers: WorkerOptions['handlers'], kind: string, id: string | undefined, data: unknown, limits?: PlainLimits) {
  const handler = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
  if (!handler) throw new QueueError(`unknown job kind '${printable(kind, 40)}' (known: ${Object.keys(handlers).join(', ')})`);
  checkPlain(data, 'payload', limits);
  if (id !== jobId(kind, data)) throw new QueueError('the job id does not match its content (ids are derived from the payload)');
  return { handler, payload: handler.validate(data) };
}

/** Runs a worker until `signal` aborts; resolves when it has closed. */
export async function runWorker(options: WorkerOptions): Promise<WorkerReport> {
  const name = checkQueueName(options.queue ?? 'inv');
  const connection = await connect(options.url);
  const log = options.log ?? (() => {});
  const report: WorkerReport = { completed: 0, failed: 0 };
  const worker = new Worker(
    name,
    async (job) => {
      const id = printable(job.id, 80);
      let admitted: ReturnType<typeof admit>;
      try {
        admitted = admit(options.handlers, job.name, job.id, job.data, options.limits);
      } catch (e) {
        // A malformed payload will not get better on a retry.
        throw new UnrecoverableError(`rejected: ${oneLine(e)}`);
      }
      const started = performance.now();
      log(`started ${id} (${printable(admitted.handler.describe?.(admitted.payload) ?? job.name)})`);
      const value = await admitted.handler.run(admitted.payload);
      log(`done ${id} in ${(performance.now() - started).toFixed(0)} ms`);
      return encodePlain(value);
    },
    {
      connection: { ...connection, maxRetriesPerRequest: null },
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.stalledMs ?? 30_000,
      autorun: false,
    },
  );
  worker.on('completed', () => void report.completed++);
  worker.on('failed', (job, err) => {
    report.failed++;
    log(`failed ${printable(job?.id, 80)}: ${printable(oneLine(err), 300)}`);
  });
  // BullMQ reports connection trouble and unreadable jobs here; the worker reconnects and goes on.
  worker.on('error', (err) => log(`error: ${printable(oneLine(err), 300)}`));
  const closed = new Promise<void>((resolve) => {
    const close = () => {
      log('closing: waiting for running jobs to finish');
      void worker.close().then(resolve, resolve);
    };
    if (options.signal?.aborted) close();
    else options.signal?.addEventListener('abort', close, { once: true });
  });
  await worker.waitUntilReady();
  log(`connected to ${redactUrl(options.url)}, queue '${name}', concurrency ${options.concurrency ?? 1}`);
  void worker.run().catch((e) => log(`error: ${printable(oneLine(e), 300)}`));
  await closed;
  return report;
}
