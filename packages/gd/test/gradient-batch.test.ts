/** Backpropagated gradients against finite differences, the tfjs oracle against float64, and batches. */
import { describe, expect, it } from 'vitest';
import {
  batchItem, createBatchProblem, Generator, gaussianVector, leakyRelu, Matrix, MaskOperator, relativeError, Rng, solve, sphereVector, tanh, type Result,
} from '@inv/core';
import { Float64Oracle, WORKER_BATCH_MIN, type ObjectiveData } from '../src/index.js';
import { TfOracle } from '../src/tf-oracle.js';
import { gaussianMeasurement } from './helpers.js';

function smoothData(): ObjectiveData {
  const generator = Generator.random([3, 30, 50], { seed: 21, bias: true, activation: tanh, outputActivation: leakyRelu(0.2) });
  const measurement = new MaskOperator(50, Array.from({ length: 25 }, (_, i) => 2 * i));
  const observations = new Matrix(2, 25, gaussianVector(new Rng(22), 50));
  return { generator, measurement, observations, lambda: 0.2 };
}

describe('objective and gradient', () => {
  it('the float64 gradient of ‖A·G(z) − y‖² + λ‖z‖² matches central differences', () => {
    const data = smoothData();
    const oracle = new Float64Oracle(data);
    const Z = new Matrix(2, 3, gaussianVector(new Rng(23), 6));
    const targets = Int32Array.from([1, 0]);
    const { gradient, value } = oracle.valuesAndGradients(Z, targets);
    const h = 1e-6;
    for (let t = 0; t < 2; t++) {
      for (let j = 0; j < 3; j++) {
        const plus = Z.clone(), minus = Z.clone();
        plus.data[t * 3 + j] += h;
        minus.data[t * 3 + j] -= h;
        const numeric = (oracle.values(plus, targets).value[t] - oracle.values(minus, targets).value[t]) / (2 * h);
        expect(gradient.get(t, j)).toBeCloseTo(numeric, 5);
      }
    }
    expect(value[0]).toBeCloseTo(oracle.values(Z, targets).value[0], 12);
  });

  it('the tfjs-wasm oracle agrees with float64 to float32 precision', async () => {
    const data = smoothData();
    const Z = new Matrix(2, 3, gaussianVector(new Rng(24), 6));
    const targets = Int32Array.from([0, 1]);
    const exact = new Float64Oracle(data).valuesAndGradients(Z, targets);
    const tfOracle = await TfOracle.create(data);
    try {
      const approx = tfOracle.valuesAndGradients(Z, targets);
      expect(relativeError(approx.value, exact.value)).toBeLessThan(1e-5);
      expect(relativeError(approx.misfit, exact.misfit)).toBeLessThan(1e-5);
      expect(relativeError(approx.gradient.data, exact.gradient.data)).toBeLessThan(1e-4);
    } finally {
      tfOracle.dispose();
    }
  });
});

function batch(B: number, seed: number) {
  const k = 10;
  const generator = Generator.random([k, 200, 500], { seed });
  const measurement = gaussianMeasurement(150, seed)(500);
  const truths = new Matrix(B, k);
  const Y = new Matrix(B, 150);
  for (let b = 0; b < B; b++) {
    truths.row(b).set(sphereVector(new Rng(300 + b), k));
    Y.row(b).set(measurement.apply(generator.forward(truths.row(b))));
  }
  return { problem: createBatchProblem({ generator, measurement, observation: Y }), truths };
}

describe('batches', () => {
  it('20 compressed-sensing problems at once on tfjs-wasm: every latent within 1e-3', async () => {
    const { problem, truths } = batch(20, 5);
    const results = (await solve(problem, 'gd', {})) as Result[];
    expect(results).toHaveLength(20);
    results.forEach((r, b) => {
      expect(r.info?.backend).toBe('tfjs-wasm');
      expect(relativeError(r.latent, truths.row(b))).toBeLessThan(1e-3);
    });
  });

  it('a small batch runs in float64 and equals the single solves', async () => {
    const { problem } = batch(3, 6);
    const results = (await solve(problem, 'gd', { seed: 2 })) as Result[];
    for (let b = 0; b < 3; b++) {
      expect(results[b].info?.backend).toBe('float64');
      const single = await solve(batchItem(problem, b), 'gd', { seed: 2 });
      expect(Array.from(results[b].latent)).toEqual(Array.from(single.latent));
    }
  });

  it(`a batch of ${WORKER_BATCH_MIN} is split over worker threads (a Gaussian measurement travels dense) with the same results`, async () => {
    const { problem, truths } = batch(WORKER_BATCH_MIN, 7);
    const spread = (await solve(problem, 'gd', {})) as Result[];
    const here = (await solve(problem, 'gd', { workers: 1 })) as Result[];
    expect(spread).toHaveLength(WORKER_BATCH_MIN);
    spread.forEach((r, b) => {
      expect([r.info?.ranIn, r.info?.backend, here[b].info?.ranIn]).toEqual(['workers', 'tfjs-wasm', 'thread']);
      expect(relativeError(r.latent, here[b].latent), `item ${b}`).toBeLessThan(1e-5);
      expect(relativeError(r.latent, truths.row(b))).toBeLessThan(1e-3);
    });
  });
});
