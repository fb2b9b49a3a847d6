/**
 * CSGM (Bora et al. 2017), figure 1: per-pixel reconstruction error against the number of Gaussian
 * measurements m on held-out MNIST digits with the shipped 20-60-784 decoder: every registered solver
 * that takes Gaussian measurements, against Lasso in the pixel and DCT bases (@inv/compressed's sweep).
 * The convolutional decoder conv-20-784 runs on the same measurements (same seeds), its solvers named
 * `<solver> conv-20-784`.
 */
import { listSolvers } from '@inv/core';
import { gaussianOperator, measurementSweep, type SweepRow } from '@inv/compressed';
import { cappedOptions, supportsProblem } from '../solvers.js';
import { heldOutDigits, mnistGenerator } from '@inv/models/node';
import { lineChart } from './svg.js';
import { groupBy, median, records } from './table.js';
import type { Experiment } from './types.js';

export const CS_MS = [25, 50, 100, 200, 400];
export const CS_MODEL = '20-60-784';
export const CS_CONV_MODEL = 'conv-20-784';

/** Iteration cap for the generative solvers (their defaults of 5000–10000 make the sweep take many minutes). */
export const CS_ITERATIONS = 2000;

/** Lasso gets the best of these λ for each m and image (an oracle choice that favours the baseline). */
export const CS_LASSO_LAMBDAS = [0.1, 0.03, 0.01];

interface Task {
  digit: number;
  m: number;
  /** Per digit, so every m of one digit uses the first m rows of the same Gaussian ensemble. */
  seed: number;
}

export const csMeasurements: Experiment<Task, SweepRow[]> = {
  name: 'cs-measurements',
  summary: `reconstruction error against the number m ∈ {${CS_MS.join(', ')}} of Gaussian measurements (‖noise‖ ≈ 0.1) on held-out digits with the ${CS_MODEL} decoder and the convolutional ${CS_CONV_MODEL}: generative solvers against Lasso with the best λ of {${CS_LASSO_LAMBDAS.join(', ')}} per m and digit (CSGM, Bora et al. 2017); one trial = one digit; solvers capped at ${CS_ITERATIONS} iterations`,
  defaultTrials: 3,
  tasks: ({ trials, seed }) => Array.from({ length: trials }, (_, t) => CS_MS.map((m) => ({ digit: (seed * 97 + t * 101) % 1000, m, seed: seed * 1_000_003 + t }))).flat(),
  async run(task) {
    const digits = heldOutDigits();
    const sweep = (model: typeof CS_MODEL | typeof CS_CONV_MODEL, suffix: string, lasso: boolean) => {
      const generator = mnistGenerator(model);
      const probe = gaussianOperator(1, generator.outputDim, 0, { onTheFly: true });
      const solvers = listSolvers()
        .filter((s) => supportsProblem(s, generator, probe))
        .map((s) => ({ name: s.name, label: `${s.name}${suffix}`, options: cappedOptions(s, CS_ITERATIONS) }));
      return measurementSweep({
        generator,
        images: [digits.images[task.digit % digits.count]],
        ms: [task.m],
        solvers,
        ...(lasso ? { lassoLambda: CS_LASSO_LAMBDAS, lassoIterations: 1000 } : { lasso: [] }),
        noise: 0.1,
        seed: task.seed,
      });
    };
    return [...(await sweep(CS_MODEL, '', true)), ...(await sweep(CS_CONV_MODEL, ` ${CS_CONV_MODEL}`, false))];
  },
  table(outcomes) {
    const rows = [...groupBy(outcomes.flat(), (r) => `${r.m} ${r.method}`).values()].map((g) => [
      g[0].m,
      g[0].method,
      g.length,
      median(g.map((r) => r.medianMse)),
      median(g.map((r) => r.medianRelativeError)),
      median(g.map((r) => r.medianTimeMs)),
    ]);
    return { columns: ['m', 'method', 'images', 'median_mse', 'median_relative_error', 'median_time_ms'], rows };
  },
  plot(table) {
    const recs = records(table);
    const methods = [...new Set(recs.map((r) => String(r.method)))];
    return lineChart(
      `Compressed sensing of held-out digits (${CS_MODEL} and ${CS_CONV_MODEL} decoders)`,
      { label: 'number of Gaussian measurements m', log: true },
      { label: 'median per-pixel MSE', log: true },
      methods.map((m) => ({ name: m, points: recs.filter((r) => r.method === m).map((r) => [Number(r.m), Number(r.median_mse)] as [number, number]) })),
    );
  },
  summarize(table) {
    return records(table).map((r) => `- m = ${r.m}, ${r.method}: MSE ${Number(r.median_mse).toExponential(2)}, relative error ${Number(r.median_relative_error).toFixed(3)}, ${Number(r.median_time_ms).toFixed(0)} ms`);
  },
};
