import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, relativeError } from '@inv/core';
import { readGenerator, writeGenerator } from '@inv/core/node';
import { gaussianOperator } from '@inv/compressed';
import { runCli, tempDir, writeNpy } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// An expansive bias-free ReLU net (every layer ≥ 2.1x, n ≥ 20 n_0), read back so the truth uses the file's float32 weights.
const model = writeGenerator(Generator.random([3, 60, 240], { seed: 21 }), join(tmp.dir, 'net'), { layout: 'keras' });
const generator = readGenerator(model);
const z = Float64Array.from([0.6, -0.4, 0.7]);
const x = generator.forward(z);
const y = writeNpy(tmp.path('y.npy'), x);

function solveWith(args: string[]): { latent: number[]; reconstruction: number[]; status: string } {
  const out = tmp.path(`r-${args.join('_').replace(/[^a-z0-9]/gi, '')}.json`);
  const run = runCli(['solve', '--model', model, '--observation', y, '--out', out, ...args], { plugins: false });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8'));
}

describe('inv solve with the shipped solvers on a noise-free expansive net', () => {
  it.each(['lp-linf', 'lp-l1', 'plugin', 'gd'])('%s recovers z* exactly', (solver) => {
    const r = solveWith(['--solver', solver]);
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, z)).toBeLessThan(1e-6);
  });

  /** y from the operator gaussian:60:4, solved with the operator named by `spec`: latent error and exit code. */
  function gaussianLatentError(spec: string): [number, number] {
    const yA = writeNpy(tmp.path(`yA-${spec.replace(/:/g, '_')}.npy`), gaussianOperator(60, 240, 4).apply(x));
    const run = runCli(['solve', '--model', model, '--observation', yA, '--measurement', spec, '--solver', 'gd', '--json'], { plugins: false });
    return [relativeError(JSON.parse(run.stdout).latent, z), run.code];
  }

  it('gd inverts gaussian:<m>:<seed> measurements built by @inv/compressed', () => {
    const [error, code] = gaussianLatentError('gaussian:60:4');
    expect(error).toBeLessThan(1e-6);
    expect(code).toBe(0);
  });

  it('a different gaussian seed is a different operator, so the same y no longer fits: exit code 3', () => {
    const [error, code] = gaussianLatentError('gaussian:60:5');
    expect(error).toBeGreaterThan(1e-3);
    expect(code).toBe(3);
  });
});
