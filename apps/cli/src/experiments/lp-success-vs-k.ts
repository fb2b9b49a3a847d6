/**
 * Lei et al. (NeurIPS 2019), poster: success rate of exact recovery against the latent size k on random
 * k×250×600 ReLU nets, noise-free. Success: ‖ẑ − z*‖/‖z*‖ < 1e-3 (the notes' local reproduction).
 */
import { lineChart } from './svg.js';
import { groupBy, mean, median, records } from './table.js';
import { randomInstance, range, solveScored, VERDICT_COLUMNS, verdictCells, type Scored } from './trial.js';
import type { Experiment } from './types.js';

export const LP_SOLVERS = ['lp-linf', 'lp-l1', 'gd'] as const;
export const SUCCESS = 1e-3;

interface Task {
  k: number;
  trial: number;
  seed: number;
}

export const lpSuccessVsK: Experiment<Task, Scored[]> = {
  name: 'lp-success-vs-k',
  summary: 'success rate of l-inf LP, l1 LP and GD on random k×250×600 nets, k = 10…250 (Lei et al.)',
  defaultTrials: 2,
  tasks: ({ trials, seed }) => range(10, 250, 20).flatMap((k) => Array.from({ length: trials }, (_, trial) => ({ k, trial, seed: seed * 1_000_003 + k * 1000 + trial }))),
  async run(task) {
    const instance = randomInstance([task.k, 250, 600], task.seed);
    const out: Scored[] = [];
    for (const solver of LP_SOLVERS) out.push(await solveScored(instance, instance.signal, solver));
    return out;
  },
  table(outcomes, tasks) {
    const flat = outcomes.flatMap((o, i) => o.map((s) => ({ ...s, k: tasks[i].k })));
    const rows = [...groupBy(flat, (r) => `${r.k} ${r.solver}`).values()].map((g) => [
      g[0].k,
      g[0].solver,
      g.length,
      g.filter((r) => r.latentError < SUCCESS).length / g.length,
      ...verdictCells(g, (r) => r.latentError < SUCCESS),
      median(g.map((r) => r.latentError)),
      mean(g.map((r) => r.timeMs)),
    ]);
    return { columns: ['k', 'solver', 'trials', 'success_rate', ...VERDICT_COLUMNS, 'median_error', 'mean_time_ms'], rows };
  },
  plot(table) {
    const recs = records(table);
    return lineChart(
      'Exact recovery on k×250×600 ReLU nets (noise-free)',
      { label: 'latent dimension k' },
      { label: `success rate (relative error < ${SUCCESS})` },
      LP_SOLVERS.map((s) => ({ name: s, points: recs.filter((r) => r.solver === s).map((r) => [Number(r.k), Number(r.success_rate)] as [number, number]) })),
    );
  },
  summarize(table) {
    const recs = records(table);
    return LP_SOLVERS.map((s) => {
      const mine = recs.filter((r) => r.solver === s);
      const full = mine.filter((r) => Number(r.success_rate) === 1).map((r) => Number(r.k));
      const zero = mine.filter((r) => Number(r.success_rate) === 0).map((r) => Number(r.k));
      const meanTime = mean(mine.map((r) => Number(r.mean_time_ms)));
      const falseSuccesses = mine.reduce((sum, r) => sum + Number(r.false_successes), 0);
      return `- ${s}: success rate 1 at k ∈ {${full.join(', ')}}; 0 at k ∈ {${zero.join(', ')}}; verdict successes that did not recover z*: ${falseSuccesses}; ${Number.isFinite(meanTime) ? `mean time ${meanTime.toFixed(0)} ms` : 'no timed runs'}`;
    });
  },
};
