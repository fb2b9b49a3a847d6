/** `inv experiment <name>`: reproduce a paper figure; writes <name>.csv, <name>.svg and <name>.md. */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { mapInWorkers } from '@inv/core/node';
import { InvError, now } from '@inv/core';
import { defineCommand } from '../command.js';
import { oneLine, UsageError } from '../errors.js';
import { EXPERIMENTS, findExperiment } from '../experiments/index.js';
import { toCsv } from '../experiments/table.js';
import { writeAll } from '../files.js';
import { progressBar, say } from '../io.js';
import { loadSolverPackages } from '../solvers.js';
import { experimentOnQueue, QUEUE_FLAGS } from '../queue/client.js';

export const experimentCommand = defineCommand({
  name: 'experiment',
  summary: `Reproduce a paper figure (${EXPERIMENTS.map((e) => e.name).join(', ')}): CSV, SVG plot and summary.`,
  usage: `inv experiment <${EXPERIMENTS.map((e) => e.name).join('|')}> [--trials N] [--seed S] [--out <dir>] [--workers K | --redis <url> [--queue <name>]] [--json]`,
  flags: {
    trials: { type: 'number', integer: true, min: 1, description: "trials per setting (default: the experiment's own, kept small)" },
    seed: { type: 'number', integer: true, min: 0, default: 0, description: 'seed of the random nets, latents and noise' },
    out: { type: 'string', default: 'results', description: 'folder for <name>.csv, <name>.svg and <name>.md', placeholder: 'dir' },
    workers: { type: 'number', integer: true, min: 0, description: 'worker threads (0: run in this thread; default: the CPU count, 1 for timing)' },
    ...QUEUE_FLAGS,
  },
  async run(args, io) {
    const [name, ...extra] = args.positionals;
    if (!name) throw new UsageError(`experiment: name one of ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
    if (extra.length) throw new UsageError(`experiment: unexpected argument '${extra[0]}'`);
    const experiment = findExperiment(name);
    if (!experiment) throw new UsageError(`experiment: unknown experiment '${name}' (known: ${EXPERIMENTS.map((e) => e.name).join(', ')})`);
    const options = { trials: args.flags.trials ?? experiment.defaultTrials, seed: args.flags.seed };
    const tasks = experiment.tasks(options);
    const workers = args.flags.workers ?? experiment.defaultWorkers ?? availableParallelism();
    const bar = progressBar(io, tasks.length, name);
    const started = now();
    let outcomes: unknown[];
    try {
      if (args.flags.redis !== undefined) outcomes = await experimentOnQueue(io, args, name, options, tasks.length);
      else if (workers === 0) {
        await loadSolverPackages();
        outcomes = [];
        for (const task of tasks) {
          outcomes.push(await experiment.run(task));
          bar.tick(outcomes.length);
        }
      } else {
        outcomes = await mapInWorkers(new URL('./worker.js', import.meta.url), tasks.map((task) => ({ experiment: name, task })), {
          workers,
          onResult: (_r, _i, done) => bar.tick(done),
        }).catch((e: Error) => {
          // Errors cross the thread boundary as name + message; keep the message, one line, as an InvError.
          throw new InvError('ERR_EXPERIMENT', `experiment ${name}: a trial failed: ${oneLine(e)}`);
        });
      }
    } finally {
      bar.finish();
    }
    const seconds = (now() - started) / 1000;
    const table = experiment.table(outcomes, tasks);
    const out = String(args.flags.out);
    const summary = [
      `# ${name}`,
      '',
      experiment.summary,
      '',
      `Run: \`inv experiment ${name} --trials ${options.trials} --seed ${options.seed} ${args.flags.redis !== undefined ? '--redis <url>' : `--workers ${workers}`}\` (${tasks.length} tasks, ${seconds.toFixed(1)} s).`,
      '',
      ...experiment.summarize(table, options),
      '',
    ].join('\n');
    const plots = experiment.plot(table);
    const svgs = typeof plots === 'string' ? [{ path: join(out, `${name}.svg`), data: plots }] : Object.entries(plots).map(([suffix, data]) => ({ path: join(out, `${name}-${suffix}.svg`), data }));
    const files = [{ path: join(out, `${name}.csv`), data: toCsv(table) }, ...svgs, { path: join(out, `${name}.md`), data: summary }];
    writeAll(files);
    if (io.json) io.out(JSON.stringify({ experiment: name, ...options, workers, seconds, columns: table.columns, rows: table.rows, files: files.map((f) => f.path) }));
    else {
      say(io, summary);
      say(io, `wrote ${files.map((f) => f.path).join(', ')}`);
    }
  },
});
