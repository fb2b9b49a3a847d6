/**
 * PLUGIn (Joshi et al. 2021), figure 1: the phase diagram of exact recovery over the latent size n_0
 * and the width n_1 = n_2 = n_3 of a 3-layer Gaussian ReLU net, noise-free; step η = 3 as in the
 * paper; success when ‖x̂ − x*‖ ≤ 1e-5 with x* on the unit sphere and x^0 ~ N(0, I).
 */
import { heatmap } from './svg.js';
import { groupBy, median, records } from './table.js';
import { randomInstance, range, solveScored, VERDICT_COLUMNS, verdictCells, type Scored } from './trial.js';
import type { Experiment } from './types.js';

export const PHASE_SUCCESS = 1e-5;
export const PHASE_ITERATIONS = 3000;

interface Task {
  n0: number;
  n: number;
  seed: number;
}

const N0 = range(1, 19, 2);
const WIDTHS = range(21, 421, 40);

export const pluginPhase: Experiment<Task, Scored> = {
  name: 'plugin-phase',
  summary: `PLUGIn phase diagram (Joshi et al. 2021, fig. 1): success rate over n_0 ∈ {1, 3, …, 19} and n_1 = n_2 = n_3 ∈ {21, 61, …, 421}, η = 3, at most ${PHASE_ITERATIONS} iterations, success ‖x̂ − x*‖ ≤ ${PHASE_SUCCESS}`,
  defaultTrials: 2,
  tasks: ({ trials, seed }) => N0.flatMap((n0) => WIDTHS.flatMap((n) => Array.from({ length: trials }, (_, t) => ({ n0, n, seed: seed * 1_000_003 + n0 * 10_000 + n * 10 + t })))),
  async run(task) {
    const instance = randomInstance([task.n0, task.n, task.n, task.n], task.seed, 'sphere');
    return solveScored(instance, instance.signal, 'plugin', { step: 3, maxIterations: PHASE_ITERATIONS, init: 'random', seed: task.seed % 1_000_000 });
  },
  table(outcomes, tasks) {
    const flat = outcomes.map((o, i) => ({ ...o, n0: tasks[i].n0, n: tasks[i].n }));
    const rows = [...groupBy(flat, (r) => `${r.n0} ${r.n}`).values()].map((g) => [
      g[0].n0,
      g[0].n,
      g.length,
      // x* is a unit vector, so the relative latent error is the paper's ‖x̂ − x*‖.
      g.filter((r) => r.latentError <= PHASE_SUCCESS).length / g.length,
      ...verdictCells(g, (r) => r.latentError <= PHASE_SUCCESS),
      median(g.map((r) => r.latentError)),
    ]);
    return { columns: ['n0', 'n', 'trials', 'success_rate', ...VERDICT_COLUMNS, 'median_error'], rows };
  },
  plot(table) {
    const recs = records(table);
    const rate = new Map(recs.map((r) => [`${r.n0} ${r.n}`, Number(r.success_rate)]));
    return heatmap('PLUGIn exact recovery, 3-layer Gaussian ReLU nets (η = 3)', N0, WIDTHS, (x, y) => rate.get(`${x} ${y}`) ?? 0, { x: 'latent dimension n_0', y: 'width n_1 = n_2 = n_3' }, {
      name: 'n_3 = 20 n_0 (paper)',
      points: N0.filter((n0) => 20 * n0 <= WIDTHS[WIDTHS.length - 1]).map((n0) => [n0, 20 * n0]),
    });
  },
  summarize(table) {
    const recs = records(table);
    const lines: string[] = [];
    let above = 0, aboveOk = 0, below = 0, belowOk = 0;
    for (const r of recs) {
      const ok = Number(r.success_rate);
      if (Number(r.n) >= 20 * Number(r.n0)) (above++, (aboveOk += ok));
      else (below++, (belowOk += ok));
    }
    lines.push(`- cells with n ≥ 20 n_0: mean success rate ${(aboveOk / Math.max(above, 1)).toFixed(2)} over ${above} cells`);
    lines.push(`- cells with n < 20 n_0: mean success rate ${(belowOk / Math.max(below, 1)).toFixed(2)} over ${below} cells`);
    lines.push(`- verdict successes that did not recover x*: ${recs.reduce((sum, r) => sum + Number(r.false_successes), 0)}`);
    for (const n0 of N0) {
      const first = recs.filter((r) => Number(r.n0) === n0 && Number(r.success_rate) === 1).map((r) => Number(r.n));
      lines.push(`- n_0 = ${n0}: smallest width with success rate 1: ${first.length ? Math.min(...first) : 'none'} (20 n_0 = ${20 * n0})`);
    }
    return lines;
  },
};
