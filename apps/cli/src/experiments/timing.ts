/**
 * Lei et al.'s poster CPU-time table: l-inf LP, l1 LP (with and without their least-squares fast path), GD and PLUGIn on noise-free random k×250×600
 * nets for k = 10…110 and on the MNIST 20-60-784 decoder (a random latent, y = G(z*)). One worker so
 * that solves do not share a core.
 */
import { mnistGenerator } from '@inv/models/node';
import { gaussianVector, Rng } from '@inv/core';
import { lineChart } from './svg.js';
import { groupBy, mean, median, records } from './table.js';
import { randomInstance, range, solveScored, type Instance, type Scored } from './trial.js';
import type { Experiment } from './types.js';

/** The LPs also run with their least-squares fast path off, so that the LP solve itself is timed as on the poster. */
export const TIMING_SOLVERS: { label: string; name: string; options: Record<string, unknown> }[] = [
  { label: 'lp-linf', name: 'lp-linf', options: {} },
  { label: 'lp-l1', name: 'lp-l1', options: {} },
  { label: 'lp-linf (LP only)', name: 'lp-linf', options: { fastPath: false } },
  { label: 'lp-l1 (LP only)', name: 'lp-l1', options: { fastPath: false } },
  { label: 'gd', name: 'gd', options: {} },
  { label: 'plugin', name: 'plugin', options: {} },
];

interface Task {
  /** k of a random k×250×600 net, or 'mnist'. */
  net: number | 'mnist';
  seed: number;
}

function mnistInstance(seed: number): Instance {
  const generator = mnistGenerator('20-60-784');
  const latent = gaussianVector(new Rng(seed), generator.inputDim);
  return { generator, latent, signal: generator.forward(latent) };
}

export const timing: Experiment<Task, Scored[]> = {
  name: 'timing',
  summary: 'CPU time per inversion (Lei et al. poster): l-inf LP, l1 LP (with and without their least-squares fast path), GD and PLUGIn on noise-free k×250×600 nets, k = 10…110, and on the MNIST 20-60-784 decoder',
  defaultTrials: 2,
  defaultWorkers: 1,
  tasks: ({ trials, seed }) => [...range(10, 110, 20), 'mnist' as const].flatMap((net) => Array.from({ length: trials }, (_, t) => ({ net, seed: seed * 1_000_003 + (net === 'mnist' ? 999 : net) * 100 + t }))),
  async run(task) {
    const instance = task.net === 'mnist' ? mnistInstance(task.seed) : randomInstance([task.net, 250, 600], task.seed);
    const out: Scored[] = [];
    for (const s of TIMING_SOLVERS) out.push({ ...(await solveScored(instance, instance.signal, s.name, s.options)), solver: s.label });
    return out;
  },
  table(outcomes, tasks) {
    const flat = outcomes.flatMap((o, i) => o.map((s) => ({ ...s, net: tasks[i].net === 'mnist' ? 'mnist 20-60-784' : `${tasks[i].net}x250x600` })));
    const rows = [...groupBy(flat, (r) => `${r.net} ${r.solver}`).values()].map((g) => [g[0].net, g[0].solver, g.length, mean(g.map((r) => r.timeMs)), median(g.map((r) => r.latentError))]);
    return { columns: ['net', 'solver', 'trials', 'mean_time_ms', 'median_error'], rows };
  },
  plot(table) {
    const recs = records(table).filter((r) => String(r.net).endsWith('x250x600'));
    return lineChart(
      'CPU time per inversion on k×250×600 nets (noise-free)',
      { label: 'latent dimension k' },
      { label: 'mean time per inversion (ms)', log: true },
      TIMING_SOLVERS.map(({ label }) => ({ name: label, points: recs.filter((r) => r.solver === label).map((r) => [parseInt(String(r.net), 10), Number(r.mean_time_ms)] as [number, number]) })),
    );
  },
  summarize(table) {
    return records(table).map((r) => `- ${r.net}, ${r.solver}: ${(Number(r.mean_time_ms) / 1000).toFixed(2)} s, median error ${Number(r.median_error).toExponential(2)}`);
  },
};
