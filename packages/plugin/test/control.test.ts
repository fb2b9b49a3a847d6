import { describe, expect, it } from 'vitest';
import { getSolver, norm2, now, relativeError, solve } from '@inv/core';
import { productNormStep } from '../src/index.js';
import { instance } from './instances.js';

const small = () => instance([10, 200, 200], 21);

// Registration, option errors, maxIterations, abort and batches: conformance.test.ts (@inv/core/testing).
describe('schema and supports', () => {
  it('is registered with its schema and support table', () => {
    const s = getSolver('plugin');
    expect(Object.keys(s.options)).toEqual(expect.arrayContaining(['step', 'maxIterations', 'tol', 'init', 'seed', 'initialLatent', 'history']));
    expect(s.supports.measurements).toBe('any');
    expect(s.supports.output).toContain('sigmoid');
  });
});

describe('stopping, starting and safeguards', () => {
  it('starts from a given latent: the truth is a fixed point (one zero step)', async () => {
    const { problem, truth } = small();
    const r = await solve(problem, 'plugin', { init: 'given', initialLatent: truth });
    expect(r.status).toBe('converged');
    expect(r.iterations).toBe(1);
    expect(relativeError(r.latent, truth)).toBeLessThan(1e-14);
  });

  it('converges from a seeded random start, reproducibly', async () => {
    const { problem, truth } = small();
    const a = await solve(problem, 'plugin', { init: 'random', seed: 3 });
    const b = await solve(problem, 'plugin', { init: 'random', seed: 3 });
    expect(relativeError(a.latent, truth)).toBeLessThan(1e-9);
    expect(Array.from(a.latent)).toEqual(Array.from(b.latent));
  });

  it('a diverging run (η = 1000, no safeguard) ends diverged with a finite latent', async () => {
    const { problem } = small();
    const r = await solve(problem, 'plugin', { step: 1000, safeguard: false });
    expect(r.status).toBe('diverged');
    expect(r.latent.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(r.residual)).toBe(true);
  });

  it('the safeguard halves a step that blows the residual up and still recovers', async () => {
    const { problem, truth } = small();
    const r = await solve(problem, 'plugin', { step: 1000 });
    expect(r.info!.stepHalvings).toBeGreaterThan(5);
    expect(r.info!.finalStep).toBeLessThan(r.info!.step as number);
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, truth)).toBeLessThan(1e-9);
  });

  it('records the residual history, which falls to the noise-free floor', async () => {
    const { problem } = small();
    const r = await solve(problem, 'plugin', { history: true });
    expect(r.history!.length).toBe(r.iterations);
    expect(r.history![0].residual).toBeCloseTo(norm2(problem.observation), 10);
    expect(r.history![r.history!.length - 1].residual).toBeLessThan(1e-9);
  });

  it('offers the paper trained-net step 1/Π‖W_i‖, which converges (slowly) on a Gaussian net', async () => {
    const { problem, truth, generator } = small();
    const step = productNormStep(generator);
    expect(step).toBeGreaterThan(0.05);
    expect(step).toBeLessThan(1);
    const r = await solve(problem, 'plugin', { step });
    expect(relativeError(r.latent, truth)).toBeLessThan(1e-9);
  });
});

describe('progress', () => {
  it("reports progress at the first iteration, then on core's cadence (at most every 100 ms)", async () => {
    const { problem } = small();
    const seen: { iteration: number; at: number }[] = [];
    const r = await solve(problem, 'plugin', { tol: 0, maxIterations: 200 }, { onProgress: (p) => seen.push({ iteration: p.iteration, at: now() }) });
    expect(r.status).toBe('max_iterations');
    expect(seen[0].iteration).toBe(1);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i].iteration).toBeGreaterThan(seen[i - 1].iteration);
      // Due 100 ms apart; the slack is for the moment between the check and this callback's clock read.
      expect(seen[i].at - seen[i - 1].at).toBeGreaterThanOrEqual(90);
    }
  });
});
