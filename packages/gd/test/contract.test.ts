/**
 * gd's own side of the contract: presets, restarts, history, its start point when aborted, dead starts and
 * divergence. Registration, option errors, abort, progress and batches: conformance.test.ts (@inv/core/testing).
 */
import { describe, expect, it } from 'vitest';
import { relativeError, resolveOptions, solve } from '@inv/core';
import { gdSolver, settingsFrom, startPoints } from '../src/index.js';
import { instance } from './helpers.js';

const small = () => instance([2, 20, 60], 4);

describe('registration and options', () => {
  it('takes every activation, biases and any measurement', () => {
    expect(gdSolver.supports.measurements).toBe('any');
    expect(gdSolver.supports.biases).toBe(true);
    expect([...gdSolver.supports.hidden].sort()).toEqual(['leaky_relu', 'linear', 'relu', 'sigmoid', 'tanh']);
  });

  it('fills gaps from the preset and lets explicit options win', () => {
    const csgm = settingsFrom(resolveOptions(gdSolver.options, { preset: 'csgm' }));
    expect(csgm).toMatchObject({ optimizer: 'adam', learningRate: 0.01, maxIterations: 1000, restarts: 10, negationCheck: false, lambda: 0 });
    const mixed = settingsFrom(resolveOptions(gdSolver.options, { preset: 'csgm', lambda: 0.1, negationCheck: true, learningRate: 0.05 }));
    expect(mixed).toMatchObject({ optimizer: 'adam', lambda: 0.1, negationCheck: true, learningRate: 0.05, restarts: 10 });
    const plain = settingsFrom(resolveOptions(gdSolver.options, {}));
    expect(plain).toMatchObject({ optimizer: 'gd', step: undefined, negationCheck: true, restarts: 1, init: 'random' });
  });

  it('seeds restarts: restart 0 follows init, the others are N(0, I) draws fixed by the seed', () => {
    const settings = settingsFrom(resolveOptions(gdSolver.options, { restarts: 3, initialLatent: [0.5, -0.5], seed: 9 }));
    const starts = startPoints(settings, 2);
    expect(Array.from(starts[0])).toEqual([0.5, -0.5]);
    expect(starts[1]).toEqual(startPoints(settings, 2)[1]);
    expect(starts[1]).not.toEqual(starts[2]);
  });
});

describe('runs', () => {
  it('starts from initialLatent and keeps a non-increasing objective history with the automatic step', async () => {
    const { problem, truth } = small();
    const result = await solve(problem, 'gd', { initialLatent: [truth[0] + 0.3, truth[1] - 0.2], history: true, negationCheck: false });
    expect(relativeError(result.latent, truth)).toBeLessThan(1e-8);
    const objectives = result.history!.map((h) => h.objective!);
    expect(objectives.length).toBeGreaterThan(3);
    for (let i = 1; i < objectives.length; i++) expect(objectives[i]).toBeLessThanOrEqual(objectives[i - 1]);
    expect(result.history![0].residual).toBeGreaterThan(result.residual);
  });

  it('keeps the restart with the lowest objective', async () => {
    const { problem } = instance([1, 100, 500], 1);
    const result = await solve(problem, 'gd', { negationCheck: false, restarts: 4, seed: 1 });
    const singles = await Promise.all([0, 1, 2, 3].map(async (r) => {
      const start = startPoints(settingsFrom(resolveOptions(gdSolver.options, { restarts: 4, seed: 1 })), 1)[r];
      return solve(problem, 'gd', { negationCheck: false, initialLatent: start });
    }));
    const best = Math.min(...singles.map((s) => s.residual));
    expect(result.residual).toBeCloseTo(best, 12);
    expect(result.info?.restarts).toBe(4);
  });

  it('an already aborted signal returns the start point after no iterations', async () => {
    const { problem } = small();
    const result = await solve(problem, 'gd', { initialLatent: [0.1, 0.2], negationCheck: false }, { signal: AbortSignal.abort() });
    expect(result.status).toBe('aborted');
    expect(result.iterations).toBe(0);
    expect(Array.from(result.latent)).toEqual([0.1, 0.2]);
  });

  it('says so when it starts at a stationary point that fits nothing (z = 0 of a bias-free ReLU net)', async () => {
    const { problem } = small();
    for (const optimizer of ['gd', 'adam'] as const) {
      const result = await solve(problem, 'gd', { init: 'zero', optimizer, restarts: 1, retries: 0, negationCheck: false });
      expect(result.iterations).toBe(0);
      expect(result.message).toMatch(/gradient is exactly zero at the initial point/);
      expect(result.residual).toBeGreaterThan(0.1);
      expect([result.status, result.success]).toEqual(['no_fit', false]);
    }
  });

  it('retries a dead start from a random point, and the retry fits', async () => {
    const { problem, truth } = small();
    const result = await solve(problem, 'gd', { init: 'zero', restarts: 1, polishSteps: 0 });
    expect(result.info).toMatchObject({ restarts: 1, retries: 1, bestRestart: 1 });
    expect([result.status, result.success]).toEqual(['converged', true]);
    expect(relativeError(result.latent, truth)).toBeLessThan(1e-6);
    expect(result.message).toMatch(/best of 2 starts, 1 of them retries/);
  });

  it('a fixed step that is far too large diverges and returns the last finite iterate', async () => {
    const { problem } = small();
    const result = await solve(problem, 'gd', { step: 1e150, initialLatent: [0.3, 0.4], negationCheck: false });
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/non-finite/);
    expect(result.latent.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(result.residual)).toBe(true);
  });

  it('the automatic step survives the same bad start that breaks a fixed step', async () => {
    const { problem, truth } = small();
    const result = await solve(problem, 'gd', { initialLatent: [0.3, 0.4] });
    expect(result.status).toBe('converged');
    expect(relativeError(result.latent, truth)).toBeLessThan(1e-8);
  });
});
