/**
 * A small worker_threads pool (Node only). HiGHS and the float64 kernels are single-threaded, so
 * parallel batches and experiment trials run in K workers; tasks and results travel by structured
 * clone (typed arrays included).
 */
import { cpus } from 'node:os';
import { parentPort, Worker } from 'node:worker_threads';
import { InvError } from './errors.js';

interface WireError {
  name: string;
  message: string;
  code?: string;
}

/** Rebuilds a worker's error on this side: an InvError keeps its class name and code (for one-line CLI messages). */
function revive(e: WireError | undefined): Error {
  const err = e?.code ? new InvError(e.code, e.message) : new Error(e?.message ?? 'worker task failed');
  err.name = e?.name ?? 'Error';
  return err;
}

/** Call in a worker module: answers each task message with the handler's result. */
export function serveWorker<T, R>(handler: (task: T) => R | Promise<R>): void {
  if (!parentPort) throw new Error('serveWorker must run inside a worker thread');
  const port = parentPort;
  port.on('message', async (msg: { id: number; task: T }) => {
    try {
      port.postMessage({ id: msg.id, ok: true, value: await handler(msg.task) });
    } catch (e) {
      const err = e as Error & { code?: unknown };
      const wire: WireError = { name: err?.name ?? 'Error', message: err?.message ?? String(e) };
      if (e instanceof InvError) wire.code = e.code;
      port.postMessage({ id: msg.id, ok: false, error: wire });
    }
  });
}

export interface PoolOptions<R> {
  /** Worker count (default: the number of CPUs, at most the number of tasks). */
  workers?: number;
  signal?: AbortSignal;
  /** Called as each result arrives (for progress bars). */
  onResult?: (result: R, index: number, done: number) => void;
}

/**
 * Runs `tasks` through the worker module at `moduleUrl` (which calls `serveWorker`) and returns the
 * results in task order. A task that throws rejects the whole map with its error message.
 */
export async function mapInWorkers<T, R>(moduleUrl: URL | string, tasks: readonly T[], options: PoolOptions<R> = {}): Promise<R[]> {
  const count = Math.max(1, Math.min(options.workers ?? cpus().length, tasks.length));
  const results = new Array<R>(tasks.length);
  if (tasks.length === 0) return results;
  const workers = Array.from({ length: count }, () => new Worker(moduleUrl));
  let next = 0, done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const abort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      if (options.signal?.aborted) return abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      const feed = (w: Worker) => {
        if (next >= tasks.length) return;
        const id = next++;
        w.postMessage({ id, task: tasks[id] });
      };
      for (const w of workers) {
        w.on('message', (msg: { id: number; ok: boolean; value?: R; error?: WireError }) => {
          if (!msg.ok) return reject(revive(msg.error));
          results[msg.id] = msg.value as R;
          done++;
          options.onResult?.(msg.value as R, msg.id, done);
          if (done === tasks.length) resolve();
          else feed(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (code !== 0 && done < tasks.length) reject(new Error(`worker exited with code ${code}`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
