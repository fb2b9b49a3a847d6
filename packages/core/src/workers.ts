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

/** What a worker's handler gets besides its task. */
export interface TaskControl {
  /** Fires when the caller's map is aborted. */
  signal: AbortSignal;
  /** Sends a progress value to the caller's `onProgress` (structured-cloneable). */
  report(progress: unknown): void;
}

/**
 * Call in a worker module: answers each task message with the handler's result. A handler that sees
 * its signal, stops early and returns keeps its partial result; one that ignores it is terminated after
 * the caller's grace period.
 */
export function serveWorker<T, R>(handler: (task: T, control: TaskControl) => R | Promise<R>): void {
  if (!parentPort) throw new Error('serveWorker must run inside a worker thread');
  const port = parentPort;
  const running = new Map<number, AbortController>();
  port.on('message', async (msg: { id: number; task?: T; cancel?: true }) => {
    if (msg.cancel) return running.get(msg.id)?.abort();
    const controller = new AbortController();
    running.set(msg.id, controller);
    const report = (progress: unknown) => port.postMessage({ id: msg.id, progress });
    try {
      port.postMessage({ id: msg.id, ok: true, value: await handler(msg.task as T, { signal: controller.signal, report }) });
    } catch (e) {
      const err = e as Error & { code?: unknown };
      const wire: WireError = { name: err?.name ?? 'Error', message: err?.message ?? String(e) };
      if (e instanceof InvError) wire.code = e.code;
      port.postMessage({ id: msg.id, ok: false, error: wire });
    } finally {
      running.delete(msg.id);
    }
  });
}

export interface PoolOptions<R> {
  /** Worker count (default: the number of CPUs, at most the number of tasks). */
  workers?: number;
  signal?: AbortSignal;
  /** Called as each result arrives (for progress bars). */
  onResult?: (result: R, index: number, done: number) => void;
  /** Called with what a running task `report`s, and the task's index. */
  onProgress?: (progress: unknown, index: number) => void;
  /** How long the workers stay in the pool after this call, unused, before they are ended (default 60 s). */
  idleMs?: number;
  /** After an abort, how long running tasks get to return (their results still reach `onResult`) before their workers are terminated (default 2 s). */
  graceMs?: number;
}

const GRACE_MS = 2000;
const IDLE_MS = 60_000;

/**
 * Idle workers by module URL. Workers are kept between calls, so a second batch skips thread start-up,
 * module loading and WebAssembly warm-up (tfjs and HiGHS take 0.2–0.4 s to get fast in a new thread).
 * Idle workers are unref'd and never keep the process alive; after `idleMs` unused they are ended, so a
 * long-lived process does not hold their memory (a tfjs or HiGHS heap each) for ever.
 */
const idle = new Map<string, Set<Worker>>();
const expiry = new Map<Worker, ReturnType<typeof setTimeout>>();

function idleSet(key: string): Set<Worker> {
  let set = idle.get(key);
  if (!set) idle.set(key, (set = new Set()));
  return set;
}

function acquire(key: string, moduleUrl: URL | string): Worker {
  const set = idleSet(key);
  const reused = set.values().next();
  if (!reused.done) {
    set.delete(reused.value);
    clearTimeout(expiry.get(reused.value));
    expiry.delete(reused.value);
    reused.value.ref();
    return reused.value;
  }
  const w = new Worker(moduleUrl);
  // A worker that dies while idle (or is terminated) must not be handed out again.
  w.once('exit', () => idle.get(key)?.delete(w));
  return w;
}

function release(key: string, w: Worker, idleMs: number): void {
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.unref();
  idleSet(key).add(w);
  const timer = setTimeout(() => {
    expiry.delete(w);
    idle.get(key)?.delete(w);
    void w.terminate();
  }, idleMs);
  timer.unref();
  expiry.set(w, timer);
}

/** Terminates every idle pooled worker (they are also ended by process exit, without this). */
export async function closeWorkers(): Promise<void> {
  const all = [...idle.values()].flatMap((set) => [...set]);
  idle.clear();
  for (const timer of expiry.values()) clearTimeout(timer);
  expiry.clear();
  await Promise.all(all.map((w) => w.terminate()));
}

/** How many pooled workers are idle for `moduleUrl` (all modules when omitted); for tests and diagnostics. */
export function idleWorkers(moduleUrl?: URL | string): number {
  if (moduleUrl !== undefined) return idle.get(String(moduleUrl))?.size ?? 0;
  return [...idle.values()].reduce((n, set) => n + set.size, 0);
}

/**
 * Runs `tasks` through the worker module at `moduleUrl` (which calls `serveWorker`) and returns the
 * results in task order. A task that throws rejects the whole map with its error message. Workers come
 * from a per-module pool and go back to it afterwards. On abort no new task starts, running tasks see
 * their handler's signal and have `graceMs` to return (their results still reach `onResult`), then the
 * map rejects with an AbortError; workers still busy by then are terminated.
 */
export async function mapInWorkers<T, R>(moduleUrl: URL | string, tasks: readonly T[], options: PoolOptions<R> = {}): Promise<R[]> {
  const count = Math.max(1, Math.min(options.workers ?? cpus().length, tasks.length));
  const results = new Array<R>(tasks.length);
  if (tasks.length === 0) return results;
  if (options.signal?.aborted) throw abortError();
  const key = String(moduleUrl);
  const workers = Array.from({ length: count }, () => acquire(key, moduleUrl));
  /** The task id each busy worker is running. */
  const busy = new Map<Worker, number>();
  let next = 0, done = 0, aborting = false;
  let grace: ReturnType<typeof setTimeout> | undefined;
  let fail: (e: Error) => void = () => {};
  const onAbort = () => {
    aborting = true;
    for (const [w, id] of busy) w.postMessage({ id, cancel: true });
    if (busy.size === 0) fail(abortError());
    else grace = setTimeout(() => fail(abortError()), options.graceMs ?? GRACE_MS);
  };
  const onExit = (code: number) => fail(new Error(`worker exited with code ${code}`));
  try {
    await new Promise<void>((resolve, reject) => {
      fail = reject;
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: Worker) => {
        if (next >= tasks.length) return;
        const id = next++;
        busy.set(w, id);
        w.postMessage({ id, task: tasks[id] });
      };
      for (const w of workers) {
        w.on('message', (msg: { id: number; ok: boolean; value?: R; error?: WireError; progress?: unknown }) => {
          if ('progress' in msg) return options.onProgress?.(msg.progress, msg.id);
          busy.delete(w);
          if (!msg.ok) return reject(revive(msg.error));
          results[msg.id] = msg.value as R;
          done++;
          options.onResult?.(msg.value as R, msg.id, done);
          if (aborting) {
            if (busy.size === 0) reject(abortError());
          } else if (done === tasks.length) resolve();
          else feed(w);
        });
        w.on('error', reject);
        w.on('exit', onExit);
        feed(w);
      }
    });
  } finally {
    clearTimeout(grace);
    options.signal?.removeEventListener('abort', onAbort);
    for (const w of workers) w.off('exit', onExit);
    // A worker still inside a task (past the grace period, or after another task's error) or one that died is not reused.
    const doomed = workers.filter((w) => busy.has(w) || w.threadId < 0);
    for (const w of workers) if (!doomed.includes(w)) release(key, w, options.idleMs ?? IDLE_MS);
    await Promise.all(doomed.map((w) => w.terminate()));
  }
  return results;
}

function abortError(): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError' });
}
