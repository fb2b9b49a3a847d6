import { boxVector, createBatchProblem, createProblem, gaussianVector, Generator, Matrix, MatrixOperator, type Problem, Rng, solve } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

// Same input, same output, whatever was solved before: HiGHS models kept alive across a batch must not
// carry a basis (or anything else) from one observation to the next, since degenerate LPs have many
// optimal vertices and a different start picks a different one.

function noisyDenoising(seed: number): Problem {
  const generator = Generator.random([20, 100, 500], { seed: 4 });
  const rng = new Rng(seed);
  const y = generator.forward(gaussianVector(rng, 20));
  const e = boxVector(rng, y.length, 0.02);
  for (let i = 0; i < y.length; i++) y[i] += e[i];
  return createProblem({ generator, observation: y, noiseLevel: 0.02 });
}

const pgdGenerator = Generator.random([10, 100, 300], { seed: 2 });
const pgdMatrix = new MatrixOperator(new Matrix(120, 300, gaussianVector(new Rng(5), 120 * 300, 1 / Math.sqrt(120))));
function compressed(seed: number): Problem {
  const rng = new Rng(seed);
  const y = pgdMatrix.apply(pgdGenerator.forward(gaussianVector(rng, 10)));
  const e = gaussianVector(rng, y.length, 0.01);
  for (let i = 0; i < y.length; i++) y[i] += e[i];
  return createProblem({ generator: pgdGenerator, measurement: pgdMatrix, observation: y, noiseLevel: 0.01 });
}

/** P1, P2, P1 as one in-thread batch: the models are kept alive from item to item. */
function asBatch(p1: Problem, p2: Problem) {
  const rows = [p1, p2, p1].map((p) => Array.from(p.observation));
  return createBatchProblem({ generator: p1.generator, measurement: p1.measurement, observation: Matrix.fromRows(rows), noiseLevel: p1.noiseLevel });
}

const cases = [
  { label: 'noisy denoising 20-100-500, lp-linf, LP only', make: noisyDenoising, name: 'lp-linf', options: { fastPath: false } },
  { label: 'noisy denoising 20-100-500, lp-l1, LP only', make: noisyDenoising, name: 'lp-l1', options: { fastPath: false } },
  { label: 'noisy Gaussian 120×300 on 10-100-300 (projected gradient), lp-linf', make: compressed, name: 'lp-linf', options: { maxIterations: 15 } },
  { label: 'noisy Gaussian 120×300 on 10-100-300 (projected gradient), lp-l1', make: compressed, name: 'lp-l1', options: { maxIterations: 10 } },
] as const;

describe('results do not depend on earlier solves', () => {
  for (const c of cases) {
    it(`${c.label}: P1, P2, P1 give bit-identical P1 latents, equal to a fresh solve and to a worker thread's`, async () => {
      const p1 = c.make(1), p2 = c.make(2);
      const fresh = await solve(p1, c.name, c.options);
      const batch = await solve(asBatch(p1, p2), c.name, { ...c.options, workers: 1 });
      expect(batch).toHaveLength(3);
      expect(Array.from(batch[1].latent)).not.toEqual(Array.from(batch[0].latent));
      expect(Array.from(batch[2].latent)).toEqual(Array.from(batch[0].latent));
      expect(Array.from(batch[0].latent)).toEqual(Array.from(fresh.latent));
      // A worker thread has its own HiGHS runtime; pooled, it has solved the earlier cases' problems too.
      const [inWorker] = await solve(asBatch(p1, p2), c.name, { ...c.options, workers: 3 });
      expect(inWorker.info?.ranIn).toBe('workers');
      expect(Array.from(inWorker.latent)).toEqual(Array.from(fresh.latent));
    });
  }
});
