/** `inv worker --redis <url>`: takes experiment and solve jobs from the queue until SIGTERM/SIGINT. */
import { availableParallelism } from 'node:os';
import { mapInWorkers, realPath } from '@inv/core/node';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { loadQueue, QUEUE_FLAGS } from '../queue/client.js';
import { checkExperimentPayload, checkSolvePayload, experimentTasks, type SolvePayload } from '../queue/jobs.js';
import type { ChunkResult } from '../queue/thread.js';

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'Process experiment and solve jobs from a Redis queue (run one or more on each machine); stops cleanly on SIGTERM/SIGINT.',
  usage: 'inv worker --redis <url> [--concurrency N] [--queue <name>] [--data <dir,dir>] [--lock-ms <ms>] [--stalled-ms <ms>]',
  flags: {
    ...QUEUE_FLAGS,
    concurrency: { type: 'number', integer: true, min: 1, description: 'jobs at once, each in its own thread (default: the CPU count)' },
    data: { type: 'string', description: 'comma-separated folders that solve jobs may read models and measurement files from (default: the current folder)', placeholder: 'dirs' },
    'lock-ms': { type: 'number', integer: true, min: 100, default: 30_000, description: "how long a job's lock lasts; a dead worker's job goes back to the queue after about this plus --stalled-ms" },
    'stalled-ms': { type: 'number', integer: true, min: 100, default: 30_000, description: 'how often this worker checks for stalled jobs' },
  },
  async run(args, io) {
    if (args.positionals.length) throw new UsageError(`worker: unexpected argument '${args.positionals[0]}'`);
    if (args.flags.redis === undefined) throw new UsageError('--redis: required (redis://[user:password@]host[:port][/db] or rediss://…)');
    const dirs = String(args.flags.data ?? '.')
      .split(',')
      .filter(Boolean)
      .map((d) => {
        const real = realPath(d);
        if (real === undefined) throw new UsageError(`--data: ${d}: no such folder`);
        return real;
      });
    const queue = await loadQueue(args.flags);
    const experimentThread = new URL('./worker.js', import.meta.url);
    const solveThread = new URL('./queue/thread.js', import.meta.url);
    const handlers = {
      experiment: {
        validate: checkExperimentPayload,
        // The thread that runs a local `inv experiment`'s tasks, one task per job.
        run: async ({ payload, task }: ReturnType<typeof checkExperimentPayload>) => (await mapInWorkers(experimentThread, [{ experiment: payload.experiment, task }], { workers: 1 }))[0],
        describe: ({ payload }: ReturnType<typeof checkExperimentPayload>) => `${payload.experiment} task ${payload.index} of ${experimentTasks(payload.experiment, payload).length}`,
      },
      solve: {
        validate: (p: unknown) => checkSolvePayload(p, dirs),
        run: async (p: SolvePayload) => (await mapInWorkers<SolvePayload, ChunkResult[]>(solveThread, [p], { workers: 1 }))[0],
        describe: (p: SolvePayload) => `${p.solver}, rows ${p.item}–${p.item + p.rows.length - 1} of ${p.items}`,
      },
    };
    const stop = new AbortController();
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      // The first signal lets running jobs finish; a second one leaves at once (the jobs go back to the queue when their locks expire).
      if (++signals > 1) process.exit(130);
      io.err(`inv worker: ${sig}: finishing the running jobs (send it again to stop at once)\n`);
      stop.abort();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    try {
      const report = await queue.runWorker({
        url: String(args.flags.redis),
        queue: String(args.flags.queue),
        concurrency: args.flags.concurrency ?? availableParallelism(),
        handlers,
        lockMs: args.flags['lock-ms'],
        stalledMs: args.flags['stalled-ms'],
        log: (line) => io.err(`inv worker: ${line}\n`),
        signal: stop.signal,
      });
      if (io.json) io.out(JSON.stringify(report));
      else io.out(`inv worker: stopped after ${report.completed} completed and ${report.failed} failed jobs`);
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  },
});
