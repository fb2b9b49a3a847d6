/**
 * Hand & Voroninski / Huang et al.: gradient descent on ‖G(z) − y‖² can stall in the basin of −ρ_d z*;
 * the negation check (move to −z when f(−z) < f(z)) escapes it. Small-latent nets, A = I, noise-free;
 * success when ‖ẑ − z*‖/‖z*‖ < 1e-3. Same nets, starts and iterations with and without the check.
 */
import { lineChart } from './svg.js';
import { groupBy, median, records } from './table.js';
import { randomInstance, solveScored, VERDICT_COLUMNS, verdictCells, type Scored } from './trial.js';
import type { Experiment } from './types.js';

export const NEGATION_NETS = [
  [1, 100, 500],
  [2, 100, 500],
  [2, 50, 300, 1000],
];
const SUCCESS = 1e-3;

interface Task {
  widths: number[];
  seed: number;
}

export const negationCheck: Experiment<Task, Scored[]> = {
  name: 'negation-check',
  summary: 'gradient descent with and without the negation check on 1-100-500, 2-100-500 and 2-50-300-1000 ReLU nets (A = I, noise-free, random start, 1500 iterations of plain GD with step 2^d/4, as in the check of docs/algorithms.md)',
  defaultTrials: 40,
  tasks: ({ trials, seed }) => NEGATION_NETS.flatMap((widths, i) => Array.from({ length: trials }, (_, t) => ({ widths, seed: seed * 1_000_003 + i * 10_000 + t }))),
  async run(task) {
    const instance = randomInstance(task.widths, task.seed);
    const out: Scored[] = [];
    for (const check of [false, true]) {
      const s = await solveScored(instance, instance.signal, 'gd', { optimizer: 'gd', step: 2 ** (task.widths.length - 1) / 4, negationCheck: check, maxIterations: 1500, init: 'random', seed: task.seed % 1_000_000, retries: 0, polishSteps: 0 });
      out.push({ ...s, solver: check ? 'gd with negation check' : 'gd without negation check' });
    }
    return out;
  },
  table(outcomes, tasks) {
    const flat = outcomes.flatMap((o, i) => o.map((s) => ({ ...s, net: tasks[i].widths.join('-') })));
    const rows = [...groupBy(flat, (r) => `${r.net} ${r.solver}`).values()].map((g) => [
      g[0].net,
      g[0].solver.includes('with negation') ? 'on' : 'off',
      g.length,
      g.filter((r) => r.latentError < SUCCESS).length,
      g.filter((r) => r.latentError < SUCCESS).length / g.length,
      ...verdictCells(g, (r) => r.latentError < SUCCESS),
      median(g.map((r) => r.latentError)),
    ]);
    return { columns: ['net', 'negation_check', 'trials', 'successes', 'success_rate', ...VERDICT_COLUMNS, 'median_error'], rows };
  },
  plot(table) {
    const recs = records(table);
    const nets = NEGATION_NETS.map((w) => w.join('-'));
    // One point per net (x = its index), so the two lines compare the same nets.
    return lineChart(
      `GD success with and without the negation check (nets: ${nets.map((n, i) => `${i + 1} = ${n}`).join(', ')})`,
      { label: 'net (see title)' },
      { label: `success rate (relative error < ${SUCCESS})` },
      ['off', 'on'].map((flag) => ({
        name: `negation check ${flag}`,
        points: recs.filter((r) => r.negation_check === flag).map((r) => [nets.indexOf(String(r.net)) + 1, Number(r.success_rate)] as [number, number]),
      })),
    );
  },
  summarize(table) {
    return records(table).map(
      (r) => `- ${r.net}, negation check ${r.negation_check}: ${r.successes}/${r.trials} successes, verdict success rate ${r.verdict_success_rate} (false: ${r.false_successes}), median error ${Number(r.median_error).toExponential(2)}`,
    );
  },
};
