import { boxVector, createProblem, denseLayer, gaussianVector, Generator, matmul, getSolver, MaskOperator, Matrix, MatrixOperator, norm2, normInf, Rng, sigmoid, solve, sub, UnsupportedError, ValueError } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';
import { instance } from './helpers.js';

describe('registration and bad input', () => {
  it('registers lp-linf and lp-l1 with their supports', () => {
    for (const name of ['lp-linf', 'lp-l1']) {
      const s = getSolver(name);
      expect(s.supports.measurements).toBe('any');
      expect(s.supports.output).toContain('sigmoid');
      expect(s.supports.hidden).not.toContain('sigmoid');
    }
  });

  it('rejects an all-zero measurement matrix (‖A‖ = 0, no projected-gradient step) with ValueError naming the measurement', async () => {
    const g = Generator.random([5, 20, 40], { seed: 1 });
    const A = new MatrixOperator(new Matrix(10, 40));
    const problem = createProblem({ generator: g, measurement: A, observation: new Float64Array(10) });
    await expect(solve(problem, 'lp-linf')).rejects.toThrow(ValueError);
    await expect(solve(problem, 'lp-linf')).rejects.toThrow(/^measurement: .*‖A‖₂ = 0/);
  });

  it('rejects a sigmoid hidden layer with UnsupportedError naming the layer', async () => {
    const { problem } = instance([5, 20, 40], 1, { activation: sigmoid });
    await expect(solve(problem, 'lp-linf')).rejects.toThrow(UnsupportedError);
    await expect(solve(problem, 'lp-linf')).rejects.toThrow(/hidden layer 0/);
  });
});

describe('honest status', () => {
  it('time limit 0: status time_limit, a finite latent, success false', async () => {
    const { problem } = instance([20, 100, 500], 2);
    const r = await solve(problem, 'lp-linf', { timeLimit: 0, fastPath: false });
    expect(r.status).toBe('time_limit');
    expect(r.success).toBe(false);
    expect(r.latent.every(Number.isFinite)).toBe(true);
  });

  it('noise far above the threshold and no growth allowed: status infeasible, naming the layer', async () => {
    const generator = Generator.random([20, 100, 500], { seed: 3 });
    const rng = new Rng(1);
    const y = generator.forward(gaussianVector(rng, 20));
    const e = boxVector(rng, y.length, 0.05);
    for (let i = 0; i < y.length; i++) y[i] += e[i];
    const r = await solve(createProblem({ generator, observation: y }), 'lp-linf', { maxThresholdSteps: 0 });
    expect(r.status).toBe('infeasible');
    expect(r.message).toMatch(/layer 1: the l-inf LP stayed infeasible/);
    // Without a stated noise level the threshold may grow to 0.1·max|y| (the default cap): not enough here.
    const capped = await solve(createProblem({ generator, observation: y }), 'lp-linf', { threshold: 1e-3 });
    expect(capped.status).toBe('infeasible');
    expect(capped.message).toMatch(/^layer \d: the l-inf LP reached the threshold cap \S+ .*> threshold \S+\)$/);
    // With the cap raised (maxThreshold) the same observation is inverted; it fits to the noise only if the
    // problem states it (noiseNorm: the verdict's, not lp's noiseLevel).
    const ok = await solve(createProblem({ generator, observation: y, noiseNorm: norm2(e) }), 'lp-linf', { threshold: 1e-3, maxThreshold: 1 });
    expect(ok.status).toBe('converged');
    expect(ok.info?.threshold).toBeGreaterThan(1e-3);
  });

  it('a non-expansive net: a latent that does not fit is infeasible, never converged', async () => {
    // 8-60-60: the second layer is as wide as its input, so layer-wise inversion cannot be exact.
    const generator = Generator.random([8, 60, 60], { seed: 1 });
    const observation = generator.forward(gaussianVector(new Rng(2), 8));
    // The layer-wise answers alone (polishSteps: 0): lp-l1 stops at threshold 1e-9 with a misfit of about
    // 0.2, inconsistent with its own threshold.
    const off = { polishSteps: 0 };
    const l1 = await solve(createProblem({ generator, observation }), 'lp-l1', off);
    expect(l1.status).toBe('infeasible');
    expect(l1.success).toBe(false);
    expect(l1.message).toMatch(/no latent fits the observation: .* the threshold 1\.00e-9 it was accepted at; .*the narrowest here is 1\.00×/);
    // lp-linf grows the threshold until the LP is feasible: against a stated clean observation that is a misfit ...
    const clean = await solve(createProblem({ generator, observation, noiseLevel: 0 }), 'lp-linf', off);
    expect(clean.status).toBe('infeasible');
    // (min t about 0.29: layer 1 has as many rows as inputs, so its LP optimum is not unique and layer 0's
    // observation depends on the vertex HiGHS stops at.)
    expect(clean.message).toMatch(/^layer 0: the l-inf LP reached the threshold cap 4\.26e-8 .*min t 2\.[89]\de-1/);
    // ... and without a stated noise level the threshold may grow only to 0.1·max|y| (the default cap): still infeasible.
    const unknown = await solve(createProblem({ generator, observation }), 'lp-linf', off);
    expect(unknown.status).toBe('infeasible');
    expect(unknown.message).toMatch(/^layer \d: the l-inf LP reached the threshold cap/);
    // By default Gauss–Newton steps from that latent follow, and are kept only because they fit: here
    // exactly (a clean observation), so the answer is converged and says how it got there.
    const polished = await solve(createProblem({ generator, observation, noiseLevel: 0 }), 'lp-linf');
    expect(polished.status).toBe('converged');
    expect(polished.success).toBe(true);
    expect(polished.message).toMatch(/^layer 0: the l-inf LP reached the threshold cap .*; \d+ Gauss–Newton steps from the layer-wise latent fit the observation: max \|A·G\(ẑ\) − y\| = \S+$/);
    expect(polished.info?.gaussNewtonSteps).toBeGreaterThan(0);
    expect(normInf(sub(generator.forward(polished.latent), observation))).toBeLessThanOrEqual(1e-9 * normInf(observation));
  });

  it('a mask that leaves a sigmoid output layer underdetermined: infeasible before any LP, naming the stage, not a wrong latent', async () => {
    const { generator, signal } = instance([20, 60, 200], 6, { outputActivation: sigmoid });
    const A = new MaskOperator(200, Array.from({ length: 40 }, (_, i) => i * 5));
    const r = await solve(createProblem({ generator, measurement: A, observation: A.apply(signal) }), 'lp-linf');
    expect(r.status).toBe('infeasible');
    expect(r.iterations).toBe(0);
    expect(r.message).toBe(
      'lp-linf: the mask keeps 40 outputs: stage 1 (dense, sigmoid: 60 → 200) contracts: 40 observed outputs cannot determine its 60 inputs, so the layer-wise LP cannot invert it (gd and plugin can)',
    );
  });

  it('rank-deficient rows found during the solve (the sizes allow it): infeasible, saying so', async () => {
    // A sigmoid output layer 30 → 90 of rank 10: 90 rows, but only 10 independent ones.
    const rng = new Rng(9);
    const low = (rows: number, cols: number) => new Matrix(rows, cols, gaussianVector(rng, rows * cols, 1 / Math.sqrt(rows)));
    const first = Generator.random([6, 30], { seed: 9 }).stages[0];
    const weight = matmul(low(90, 10), low(10, 30));
    const generator = new Generator([first, denseLayer(weight, undefined, sigmoid)]);
    const observation = generator.forward(gaussianVector(new Rng(10), 6));
    for (const solver of ['lp-linf', 'lp-l1']) {
      const r = await solve(createProblem({ generator, observation }), solver);
      expect(r.status).toBe('infeasible');
      expect(r.message).toBe('layer 1 (sigmoid): its 90 observed rows are rank deficient (found during the solve), so the layer-wise LP cannot determine its 30 inputs');
    }
  });
});
