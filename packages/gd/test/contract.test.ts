/** The solver contract: registration, option errors, presets, history, progress, cancellation and divergence. */
import { describe, expect, it } from 'vitest';
import { createProblem, getSolver, InvError, OptionError, relativeError, resolveOptions, ShapeError, solve } from '@inv/core';
import { gdSolver, settingsFrom, startPoints } from '../src/index.js';
import { instance } from './helpers.js';

const small = () => instance([2, 20, 60], 4);

describe('registration and options', () => {
  it('registers as gd and takes every activation, biases and any measurement', () => {
    expect(getSolver('gd')).toBe(gdSolver);
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

  it('rejects bad options with one-line errors naming the option', async () => {
    const { problem } = small();
    const cases: [Record<string, unknown>, RegExp, typeof InvError][] = [
      [{ stepSize: 1 }, /unknown option 'stepSize'/, OptionError],
      [{ optimizer: 'sgd' }, /option 'optimizer': expected one of gd, adam/, OptionError],
      [{ restarts: 0 }, /option 'restarts': expected a value >= 1/, OptionError],
      [{ optimizer: 'adam', step: 0.1 }, /option 'step': applies to optimizer gd/, OptionError],
      [{ learningRate: 0.1 }, /option 'learningRate': applies to optimizer adam/, OptionError],
      [{ step: 0 }, /option 'step': expected a value > 0/, OptionError],
      [{ init: 'given' }, /option 'init': 'given' needs initialLatent/, OptionError],
      [{ init: 'zero', initialLatent: [1, 2] }, /option 'initialLatent': only used with init=given/, OptionError],
      [{ initialLatent: [1, 2, 3] }, /option 'initialLatent': expected length 2/, ShapeError],
    ];
    for (const [options, message, type] of cases) {
      const error = await solve(problem, 'gd', options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
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

  it('reports progress and stops with status aborted when the signal fires', async () => {
    // Noise keeps the objective above zero, so the run can only end by the signal.
    const { problem: clean } = instance([5, 100, 300], 2);
    const problem = createProblem({ generator: clean.generator, observation: clean.observation.map((v, i) => v + 0.01 * Math.sin(i)) });
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await solve(problem, 'gd', { preset: 'csgm', restarts: 1, maxIterations: 10_000_000 }, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.iteration);
        expect(p.items).toBe(1);
        expect(p.residual).toBeGreaterThanOrEqual(0);
        // The first report comes at iteration 1 (later ones are throttled by time), so aborting on it
        // cannot race the run's own end, however fast the machine.
        if (seen.length === 1) controller.abort();
      },
    });
    expect(seen[0]).toBe(1);
    expect(result.status).toBe('aborted');
    expect(result.success).toBe(false);
    expect(result.iterations).toBeGreaterThanOrEqual(seen[0]);
    expect(result.iterations).toBeLessThan(10_000_000);
    expect(result.latent.every(Number.isFinite)).toBe(true);
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
