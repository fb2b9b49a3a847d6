/**
 * `inv demo`: the shipped MNIST decoder and held-out digits; denoising, inpainting and compressed
 * sensing with every registered solver that takes the task; a table and one PNG grid per task.
 */
import {
  createBatchProblem,
  formatTable,
  IdentityOperator,
  listSolvers,
  Matrix,
  MaskOperator,
  median,
  noiseVector,
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
import { readGenerator } from '@inv/core/node';
import { heldOutDigits, mnistGenerator } from '@inv/models/node';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { gridPng, writeAll } from '../files.js';
import { progressBar, say } from '../io.js';
import { cappedOptions, loadSolverPackages, supportsProblem } from '../solvers.js';

export interface DemoTask {
  name: string;
  description: string;
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
  return [
    { name: 'denoise', description: 'y = x + N(0, 0.1²)', measurement: new IdentityOperator(n), sigma: 0.1, showObserved: true },
    { name: 'inpaint', description: `${kept.length}/${n} random pixels, noise 0.01`, measurement: new MaskOperator(n, kept), sigma: 0.01, showObserved: true },
    { name: 'compressed', description: `${m} Gaussian measurements, ‖noise‖ ≈ 0.1`, measurement: gaussianOperator(m, n, seed), sigma: 0.1 / Math.sqrt(m), showObserved: false },
  ];
}

export interface DemoRow {
  task: string;
  solver: string;
  /** Medians over the digits, against the original digit. */
  relativeError: number;
  psnr: number;
  /** Mean solve time per digit. */
  timeMs: number;
  status: string;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Denoise, inpaint and compressively sense held-out MNIST digits with every registered solver; print a table and write PNG grids.',
  usage: 'inv demo [--out <dir>] [--model <name>] [--digits N] [--seed S] [--json]',
  flags: {
    out: { type: 'string', default: 'inv-demo', description: 'folder for the PNG grids', placeholder: 'dir' },
    model: { type: 'string', default: '20-60-784', description: `a shipped decoder (${SHIPPED_MODELS.join(', ')}) or a model.json with 784 outputs`, placeholder: 'name|model.json' },
    digits: { type: 'number', integer: true, min: 1, max: 50, default: 4, description: 'held-out digits per task' },
    seed: { type: 'number', integer: true, min: 0, default: 0, description: 'seed of the digit choice, noise, mask and Gaussian matrix' },
    'max-iterations': { type: 'number', integer: true, min: 1, default: 2000, description: 'iteration cap for every solver whose options have maxIterations (keeps the demo under a minute)' },
  },
  async run(args, io) {
    await loadSolverPackages();
    const model = String(args.flags.model);
    const generator = model.endsWith('.json') ? readGenerator(model) : mnistGenerator(checkShippedModelName(model, '--model'));
    if (generator.outputDim !== DIGIT_PIXELS) throw new ShapeError(`--model ${model}: expected ${DIGIT_PIXELS} outputs (28×28 digits), got ${generator.outputDim}`);
    const digits = heldOutDigits();
    const seed = args.flags.seed as number;
    const count = args.flags.digits as number;
    const rng = new Rng(seed + 1);
    // One digit of each label in turn, so the grid shows different digits.
    const pools = Array.from({ length: 10 }, (_, label) => indicesOfLabel(digits, label));
    const chosen = Array.from({ length: count }, (_, i) => {
      const pool = pools[i % 10];
      return digits.images[pool[Math.floor(rng.uniform() * pool.length)]];
    });
    const n = generator.outputDim;
    const tasks = demoTasks(n, seed);
    const plan = tasks.map((t) => ({ task: t, solvers: listSolvers().filter((s) => supportsProblem(s, generator, t.measurement)) }));
    const bar = progressBar(io, plan.reduce((s, p) => s + p.solvers.length, 0), 'demo');
    const rows: DemoRow[] = [];
    const files: { path: string; data: Uint8Array }[] = [];
    let done = 0;
    for (const { task, solvers } of plan) {
      const noise = new Rng(seed + 2);
      const Y = new Matrix(count, task.measurement.rows);
      chosen.forEach((x, b) => {
        const y = task.measurement.apply(x);
        const e = noiseVector(noise, y.length, 'gaussian', task.sigma);
        for (let i = 0; i < y.length; i++) y[i] += e[i];
        Y.data.set(y, b * Y.cols);
      });
      const problem = createBatchProblem({ generator, measurement: task.measurement, observation: Y, noiseLevel: task.sigma });
      const grid: ArrayLike<number>[] = [...chosen];
      if (task.showObserved) for (let b = 0; b < count; b++) grid.push(task.measurement.adjoint(Y.row(b)));
      for (const solver of solvers) {
        bar.tick(done, `${task.name} ${solver.name}`);
        const started = now();
        const results = await solve(problem, solver, cappedOptions(solver, args.flags['max-iterations'] as number));
        const total = now() - started;
        rows.push({
          task: task.name,
          solver: solver.name,
          relativeError: median(results.map((r, b) => relativeError(r.reconstruction, chosen[b]))),
          psnr: median(results.map((r, b) => psnr(r.reconstruction, chosen[b]))),
          timeMs: total / count,
          status: [...new Set(results.map((r) => r.status))].join(','),
        });
        grid.push(...results.map((r) => r.reconstruction));
        bar.tick(++done);
      }
      files.push({ path: join(String(args.flags.out), `${task.name}.png`), data: gridPng(grid, count) });
    }
    bar.finish();
    writeAll(files);
    if (io.json) {
      io.out(JSON.stringify({ model: args.flags.model, digits: count, tasks: tasks.map((t) => ({ name: t.name, description: t.description })), rows, files: files.map((f) => f.path) }));
      return;
    }
    say(io, `inv demo: ${generator.describe()}, ${count} held-out digits`);
    for (const t of tasks) say(io, `  ${t.name}: ${t.description}`);
    say(io, formatTable(['task', 'solver', 'rel. error', 'PSNR dB', 'ms/digit', 'status'], rows.map((r) => [r.task, r.solver, r.relativeError, r.psnr, r.timeMs, r.status])));
    say(io, `PNG grids (rows: original, observed, then one row per solver in table order): ${files.map((f) => f.path).join(', ')}`);
  },
};
