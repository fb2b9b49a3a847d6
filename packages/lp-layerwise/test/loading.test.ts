import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createProblem, Generator, gaussianVector, InvError, relativeError, Rng, solve } from '@inv/core';
import { describe, expect, it } from 'vitest';
import { configureHighs } from '../src/index.js';
import { withInverter } from '../src/single.js';

const wasmPath = fileURLToPath(import.meta.resolve('highs/runtime'));

describe('loading HiGHS', () => {
  it('configureHighs({ locateFile }) decides where highs.wasm comes from', async () => {
    configureHighs({ locateFile: () => '/nonexistent/highs.wasm' });
    const G = Generator.random([5, 20, 40], { seed: 1 });
    const z = gaussianVector(new Rng(1), 5);
    const problem = createProblem({ generator: G, observation: G.forward(z) });
    // The dense kernel answers every LP of this solve, so HiGHS is never loaded.
    const dense = await solve(problem, 'lp-linf', { fastPath: false });
    expect(dense.status).toBe('converged');
    expect(relativeError(dense.latent, z)).toBeLessThanOrEqual(1e-8);
    const failure = await solve(problem, 'lp-linf', { fastPath: false, dense: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(InvError);
    expect((failure as InvError).message).toMatch(/^highs\.wasm: could not load the HiGHS runtime: \S/);
    expect((failure as InvError).message).not.toContain('\n');
    configureHighs({ locateFile: () => wasmPath });
    const r = await solve(problem, 'lp-linf', { fastPath: false, dense: false });
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, z)).toBeLessThanOrEqual(1e-8);
  });

  it('the main entry has no static node:* or @inv/core/node import (browser-safe)', () => {
    const dir = new URL('../src/', import.meta.url);
    const nodeOnly = new Set(['worker.ts', 'bench.ts']);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !nodeOnly.has(f))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/from\s+['"](node:|@inv\/core\/node)/);
    }
  });
});

describe('failures inside a solve', () => {
  const G = Generator.random([5, 20, 40], { seed: 2 });
  const problem = createProblem({ generator: G, observation: G.forward(gaussianVector(new Rng(2), 5)) });
  const failure = (e: unknown) =>
    withInverter(problem, 'linf', () => Promise.reject(e)).then(
      () => undefined,
      (err: unknown) => err as InvError,
    );

  it('a WebAssembly trap is reported as HiGHS failing, in one line', async () => {
    const e = await failure(new WebAssembly.RuntimeError('Aborted(OOM)'));
    expect(e).toBeInstanceOf(InvError);
    expect(e!.code).toBe('ERR_HIGHS');
    expect(e!.message).toBe('HiGHS failed: Aborted(OOM) (the runtime is reloaded for the next solve)');
  });

  it('an error of our own code is not blamed on HiGHS', async () => {
    const e = await failure(new TypeError('x is not a function'));
    expect(e!.code).toBe('ERR_SOLVER');
    expect(e!.message).toMatch(/^the layer-wise solve failed: .*x is not a function.*a bug/);
    expect(e!.message).not.toMatch(/HiGHS failed/);
  });
});
