/**
 * `inv demo`: the shipped MNIST decoder and held-out digits; denoising, inpainting and compressed
 * sensing with every registered solver that takes the task; a table (with the observation's own PSNR
 * as the baseline a prior must beat, and each solver's verdict) and one labelled PNG grid per task.
 */
import {
  createBatchProblem,
  formatTable,
  IdentityOperator,
  listSolvers,
  Matrix,
  MaskOperator,
  measure,
  median,
  noiseModel,
  now,
  psnr,
  relativeError,
  Rng,
  ShapeError,
  solve,
  type LinearOperator,
} from '@inv/core';
import { gaussianOperator } from '@inv/compressed';
import { checkShippedModelName, DIGIT_PIXELS, indicesOfLabel, SHIPPED_MODELS } from '@inv/models';
import { pngBytes, readGenerator } from '@inv/core/node';
import { heldOutDigits, mnistGenerator } from '@inv/models/node';
import { join } from 'node:path';
import { defineCommand } from '../command.js';
import { writeAll } from '../files.js';
import { labeledGrid } from '../labels.js';
import { progressBar, say } from '../io.js';
import { cappedOptions, loadSolverPackages, supportsProblem } from '../solvers.js';

export interface DemoTask {
  name: string;
  description: string;
  /** What the task shows: where the prior helps, or where its range limits it. */
  shows: string;
  measurement: LinearOperator;
  /** Per-entry noise standard deviation. */
  sigma: number;
  /** Whether A^T y is a picture worth showing (identity and mask). */
  showObserved: boolean;
}

export function demoTasks(n: number, seed: number): DemoTask[] {
  const rng = new Rng(seed);
  const kept = Array.from({ length: n }, (_, i) => i).filter(() => rng.uniform() < 0.5);
  const m = 200;
  // Noise large enough that the observation itself is a poor picture, so that the prior's benefit shows
  // (at σ = 0.1 the noisy digit already has 20 dB, about what the small decoder's range allows).
  return [
    {
      name: 'denoise',
      description: 'y = x + N(0, 0.3²)',
      shows: 'the prior removes most of the noise: compare with the observed row',
      measurement: new IdentityOperator(n),
      sigma: 0.3,
      showObserved: true,
    },
    {
      name: 'inpaint',
      description: `${kept.length}/${n} random pixels, noise N(0, 0.1²)`,
      shows: 'the prior fills the missing half (black in the observed row)',
      measurement: new MaskOperator(n, kept),
      sigma: 0.1,
      showObserved: true,
    },
    {
      name: 'compressed',
      description: `${m} Gaussian measurements of ${n} pixels, ‖noise‖ ≈ 0.1`,
      shows: "the prior's limit: with 4x fewer numbers than pixels the answer is only as good as the decoder's closest digit",
      measurement: gaussianOperator(m, n, seed),
      sigma: 0.1 / Math.sqrt(m),
      showObserved: false,
    },
  ];
}

/** The B×m noisy observations of the chosen digits for one task (noise seeded by seed + 2). */
export function demoObservations(task: DemoTask, chosen: readonly ArrayLike<number>[], seed: number): Matrix {
  const rng = new Rng(seed + 2);
  const Y = new Matrix(chosen.length, task.measurement.rows);
  chosen.forEach((x, b) => Y.data.set(measure(task.measurement, x, noiseModel(task.sigma), rng).observation, b * Y.cols));
  return Y;
}

export interface DemoRow {
  task: string;
  solver: string;
  /** Medians over the digits, against the original digit. */
  relativeError: number;
  psnr: number;
  /** Mean solve time per digit. */
  timeMs: number;
  /** Digits whose result is a success (stopped properly and fits the noise; docs/verdict.md). */
  successes: number;
  /** Status counts, e.g. `converged 3, no_fit 1`. */
  status: string;
}

/** The observation's own quality (Aᵀy against the digit) for tasks where Aᵀy is a picture. */
export interface DemoBaseline {
  task: string;
  relativeError: number;
  psnr: number;
}

/** `converged 3, no_fit 1` (in order of first appearance). */
function statusCounts(statuses: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, c]) => `${s} ${c}`).join(', ');
}

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'Denoise, inpaint and compressively sense held-out MNIST digits with every registered solver; print a table and write PNG grids.',
  usage: 'inv demo [--out <dir>] [--model <name>] [--digits N] [--seed S] [--json]',
  flags: {
    out: { type: 'string', default: 'inv-demo', description: 'folder for the PNG grids', placeholder: 'dir' },
    model: { type: 'string', default: '20-60-784', description: `a shipped decoder (${SHIPPED_MODELS.join(', ')}) or a model.json / .onnx file with 784 outputs`, placeholder: 'name|model.json|g.onnx' },
    digits: { type: 'number', integer: true, min: 1, max: 50, default: 4, description: 'held-out digits per task' },
    seed: { type: 'number', integer: true, min: 0, default: 0, description: 'seed of the digit choice, noise, mask and Gaussian matrix' },
    'max-iterations': { type: 'number', integer: true, min: 1, default: 2000, description: 'iteration cap for every solver whose options have maxIterations (keeps the demo under a minute)' },
  },
  async run(args, io) {
    await loadSolverPackages();
    const model = String(args.flags.model);
    const generator = /\.(json|onnx)$/i.test(model) ? readGenerator(model) : mnistGenerator(checkShippedModelName(model, '--model'));
    if (generator.outputDim !== DIGIT_PIXELS) throw new ShapeError(`--model ${model}: expected ${DIGIT_PIXELS} outputs (28×28 digits), got ${generator.outputDim}`);
    const digits = heldOutDigits();
    const seed = args.flags.seed;
    const count = args.flags.digits;
    const rng = new Rng(seed + 1);
    // One digit of each label in turn, so the grid shows different digits.
    const pools = Array.from({ length: 10 }, (_, label) => indicesOfLabel(digits, label));
    const picks = Array.from({ length: count }, (_, i) => {
      const pool = pools[i % 10];
      return pool[Math.floor(rng.uniform() * pool.length)];
    });
    const chosen = picks.map((i) => digits.images[i]);
    const chosenLabels = picks.map((i) => digits.labels[i]);
    const n = generator.outputDim;
    const tasks = demoTasks(n, seed);
    const plan = tasks.map((t) => ({ task: t, solvers: listSolvers().filter((s) => supportsProblem(s, generator, t.measurement)) }));
    const bar = progressBar(io, plan.reduce((s, p) => s + p.solvers.length, 0), 'demo');
    const rows: DemoRow[] = [];
    const baselines: DemoBaseline[] = [];
    const files: { path: string; data: Uint8Array }[] = [];
    const dB = (v: number) => `${v.toFixed(1)} dB`;
    let done = 0;
    for (const { task, solvers } of plan) {
      const Y = demoObservations(task, chosen, seed);
      const problem = createBatchProblem({ generator, measurement: task.measurement, observation: Y, noise: noiseModel(task.sigma) });
      const grid: ArrayLike<number>[] = [...chosen];
      const rowLabels = ['original'];
      if (task.showObserved) {
        const observed = Array.from({ length: count }, (_, b) => task.measurement.adjoint(Y.row(b)));
        const baseline = {
          task: task.name,
          relativeError: median(observed.map((o, b) => relativeError(o, chosen[b]))),
          psnr: median(observed.map((o, b) => psnr(o, chosen[b]))),
        };
        baselines.push(baseline);
        grid.push(...observed);
        rowLabels.push(`observed ${dB(baseline.psnr)}`);
      }
      for (const solver of solvers) {
        bar.tick(done, `${task.name} ${solver.name}`);
        const started = now();
        const results = await solve(problem, solver, cappedOptions(solver, args.flags['max-iterations']));
        const total = now() - started;
        const row: DemoRow = {
          task: task.name,
          solver: solver.name,
          relativeError: median(results.map((r, b) => relativeError(r.reconstruction, chosen[b]))),
          psnr: median(results.map((r, b) => psnr(r.reconstruction, chosen[b]))),
          timeMs: total / count,
          successes: results.filter((r) => r.success).length,
          status: statusCounts(results.map((r) => r.status)),
        };
        rows.push(row);
        grid.push(...results.map((r) => r.reconstruction));
        rowLabels.push(`${solver.name} ${dB(row.psnr)} ok ${row.successes}/${count}`);
        bar.tick(++done);
      }
      const columnLabels = chosenLabels.map((label) => `digit ${label}`);
      files.push({ path: join(String(args.flags.out), `${task.name}.png`), data: pngBytes(labeledGrid(grid, count, rowLabels, columnLabels), 2) });
    }
    bar.finish();
    writeAll(files);
    if (io.json) {
      const taskJson = tasks.map((t) => ({ name: t.name, description: t.description, shows: t.shows, sigma: t.sigma }));
      io.out(JSON.stringify({ model: args.flags.model, digits: count, tasks: taskJson, baselines, rows, files: files.map((f) => f.path) }));
      return;
    }
    say(io, `inv demo: ${generator.describe()}, ${count} held-out digits (medians over the digits, against the original digit)`);
    for (const t of tasks) say(io, `  ${t.name}: ${t.description}; ${t.shows}`);
    const table: (string | number)[][] = [];
    for (const t of tasks) {
      const base = baselines.find((b) => b.task === t.name);
      if (base) table.push([t.name, 'observed (no prior)', base.relativeError, base.psnr, '-', '-', '-']);
      for (const r of rows.filter((row) => row.task === t.name)) table.push([r.task, r.solver, r.relativeError, r.psnr, r.timeMs, `${r.successes}/${count}`, r.status]);
    }
    say(io, formatTable(['task', 'method', 'rel. error', 'PSNR dB', 'ms/digit', 'success', 'status'], table));
    say(io, 'success: the solver stopped properly and its answer fits the observation to the stated noise (docs/verdict.md); no_fit: it stopped where the answer does not fit');
    say(io, `PNG grids, every row and column labelled: ${files.map((f) => f.path).join(', ')}`);
  },
});
