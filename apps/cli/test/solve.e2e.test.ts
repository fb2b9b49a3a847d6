import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MatrixOperator, Matrix, MaskOperator, parseNpy, relativeError, gaussianVector, Rng } from '@inv/core';
import { runCli, tempDir, tinyModel, writeJson, writeNpy } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const zTrue = [0.5, -0.3, 0.8, 0.2];
// Close enough to z* that the fixture solver starts inside the same ReLU activation pattern.
const zInit = [0.501, -0.299, 0.799, 0.201];

describe.each(['tfjs', 'keras'] as const)('inv solve on a %s-layout model', (layout) => {
  const { generator, path: model } = tinyModel(tmp.dir, layout);
  const x = generator.forward(zTrue);
  const init = writeJson(tmp.path(`init-${layout}.json`), zInit);

  it('recovers z* from a .npy observation and writes the result JSON and PNGs', () => {
    const y = writeNpy(tmp.path(`y-${layout}.npy`), x);
    const out = tmp.path(`r-${layout}.json`);
    const run = runCli(['solve', '--model', model, '--observation', y, '--solver', 'test-gd', '--init', init, '--out', out, '--png', tmp.path(`img-${layout}`)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    for (const key of ['solver', 'status', 'message', 'latent', 'reconstruction', 'iterations', 'residual', 'timeMs']) expect(r).toHaveProperty(key);
    expect(r.solver).toBe('test-gd');
    expect(r.status).toBe('converged');
    expect(relativeError(r.latent, zTrue)).toBeLessThan(1e-9);
    expect(relativeError(r.reconstruction, x)).toBeLessThan(1e-9);
    expect(r.residual).toBeLessThan(1e-11);
    expect(r.timeMs).toBeGreaterThan(0);
    for (const f of [`img-${layout}-reconstruction.png`, `img-${layout}-observation.png`]) {
      expect(Array.from(readFileSync(tmp.path(f)).subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
  });

  it('reads a .json observation and prints the same result with --json', () => {
    const y = writeJson(tmp.path(`y-${layout}.json`), Array.from(x));
    const run = runCli(['solve', '--model', model, '--observation', y, '--solver', 'test-gd', '--init', init, '--json']);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(relativeError(r.latent, zTrue)).toBeLessThan(1e-9);
  });
});

describe('inv solve measurements and batches', () => {
  const { generator, path: model } = tinyModel(tmp.dir, 'tfjs', 5);
  const x = generator.forward(zTrue);
  const init = writeJson(tmp.path('init.json'), zInit);

  it('solves a B×m batch and returns per-problem arrays', () => {
    const z2 = [0.4, -0.35, 0.75, 0.25];
    const Y = new Float64Array([...x, ...generator.forward(z2)]);
    const y = writeNpy(tmp.path('batch.npy'), Y, [2, 64]);
    const run = runCli(['solve', '--model', model, '--observation', y, '--solver', 'test-gd', '--init', init, '--json']);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r.batch).toBe(2);
    expect(r.status).toEqual(['converged', 'converged']);
    expect(r.latent).toHaveLength(2);
    expect(r.timeMs).toHaveLength(2);
    expect(relativeError(r.latent[0], zTrue)).toBeLessThan(1e-9);
    expect(relativeError(r.latent[1], z2)).toBeLessThan(1e-9);
  });

  it('inpaints from mask:<file>, where the observation holds only the observed entries in order', () => {
    const mask = new Float64Array(64).map((_, i) => (i % 4 === 3 ? 0 : 1));
    const observed = new MaskOperator(64, [...mask.keys()].filter((i) => mask[i] === 1)).apply(x);
    const m = writeNpy(tmp.path('mask.npy'), mask);
    const y = writeNpy(tmp.path('y-mask.npy'), observed);
    const run = runCli(['solve', '--model', model, '--observation', y, '--measurement', `mask:${m}`, '--solver', 'test-gd', '--init', init, '--json']);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r.reconstruction).toHaveLength(64);
    expect(relativeError(r.reconstruction, x)).toBeLessThan(1e-8);
  });

  it('uses a dense matrix:<file> measurement', () => {
    const A = new Matrix(40, 64, gaussianVector(new Rng(9), 40 * 64, 1 / Math.sqrt(40)));
    const a = writeNpy(tmp.path('A.npy'), A.data, [40, 64]);
    const y = writeNpy(tmp.path('y-A.npy'), new MatrixOperator(A).apply(x));
    const run = runCli(['solve', '--model', model, '--observation', y, '--measurement', `matrix:${a}`, '--solver', 'test-gd', '--init', init, '--json']);
    expect(run.code).toBe(0);
    expect(relativeError(JSON.parse(run.stdout).latent, zTrue)).toBeLessThan(1e-8);
  });

  it('maps kebab-case flags of every option type onto the solver schema', () => {
    const y = writeNpy(tmp.path('y-flags.npy'), x);
    const run = runCli(['solve', '--model', model, '--observation', y, '--solver', 'test-gd', '--init', init, '--max-iterations', '7', '--step=0.1', '--normalize', '--schedule', 'decay', '--json']);
    expect(run.code).toBe(3); // the solve ran but stopped at its iteration limit: not a success
    const r = JSON.parse(run.stdout);
    expect(r.iterations).toBe(7);
    expect(r.status).toBe('max_iterations');
    expect(r.success).toBe(false);
  });

  it('exits 3 when a solve ran but an item does not fit, says why, and exits 0 once the stated noise allows the fit', () => {
    // Row 0 is realizable; row 1 is −G(z*), which a ReLU net cannot produce (‖G(ẑ) + x‖ ≥ ‖x‖).
    const Y = new Float64Array([...x, ...x.map((v) => -v)]);
    const y = writeNpy(tmp.path('y-unfit.npy'), Y, [2, 64]);
    const args = ['solve', '--model', model, '--observation', y, '--solver', 'test-gd', '--init', init];
    const table = runCli(args);
    expect(table.code).toBe(3);
    expect(table.stderr).toBe('');
    expect(table.stdout).toMatch(/\| 1 +\| (no_fit|max_iterations) +\| no +\|/);
    expect(table.stdout).toMatch(/1 of 2 did not succeed \(exit code 3\); #1: .*does not fit.*‖A·G\(ẑ\) − y‖ = .* > .* allowed \(no noise stated\)/);
    const json = JSON.parse(runCli([...args, '--json']).stdout);
    expect(json.success).toEqual([true, false]);
    expect(json.status[1]).toMatch(/^(no_fit|max_iterations)$/);
    const norm = Math.hypot(...x);
    expect(json.fit[1].ok).toBe(false);
    expect(json.fit[1].residual).toBeGreaterThanOrEqual(norm * (1 - 1e-9));
    expect(json.fit[1].allowed).toBeCloseTo(1e-3 * norm, 12);
    expect(json.fit[0]).toMatchObject({ ok: true });
    // Stating noise as large as the signal makes −G(z*) consistent with it: both items succeed (but see docs/verdict.md).
    const loud = runCli([...args, '--noise-norm', String(2 * norm), '--json']);
    expect(JSON.parse(loud.stdout).fit[1]).toMatchObject({ ok: true, noise: 2 * norm, allowed: 1.5 * 2 * norm + 1e-3 * norm });
    expect(loud.code).toBe(JSON.parse(loud.stdout).status[1] === 'converged' ? 0 : 3);
    const strict = runCli([...args, '--noise-norm', String(2 * norm), '--noise-factor', '0.1', '--fit-tol', '0', '--json']);
    expect(JSON.parse(strict.stdout).fit[1]).toMatchObject({ ok: false, allowed: 0.1 * 2 * norm });
    expect(strict.code).toBe(3);
  });

  it('passes --seed to a solver whose schema has a seed (different seeds, different starts)', () => {
    const y = writeNpy(tmp.path('y-seed.npy'), x);
    const latentFor = (seed: string) => JSON.parse(runCli(['solve', '--model', model, '--observation', y, '--solver', 'test-gd', '--max-iterations', '1', '--seed', seed, '--json']).stdout).latent;
    expect(latentFor('1')).toEqual(latentFor('1'));
    expect(latentFor('1')).not.toEqual(latentFor('2'));
  });

  it('reads files written by numpy itself: a bool mask and a float32 measurement matrix', () => {
    const fixtures = join(__dirname, 'fixtures');
    const mask = parseNpy(readFileSync(join(fixtures, 'numpy-mask-bool.npy')));
    const A = parseNpy(readFileSync(join(fixtures, 'numpy-A-float32.npy')));
    expect(A.shape).toEqual([40, 64]);
    const kept = [...mask.data.keys()].filter((i) => mask.data[i] === 1);
    expect(kept).toHaveLength(48);
    const yMask = writeNpy(tmp.path('y-numpy-mask.npy'), new MaskOperator(64, kept).apply(x));
    const yA = writeNpy(tmp.path('y-numpy-A.npy'), new MatrixOperator(new Matrix(40, 64, A.data)).apply(x));
    for (const [spec, y] of [[`mask:${join(fixtures, 'numpy-mask-bool.npy')}`, yMask], [`matrix:${join(fixtures, 'numpy-A-float32.npy')}`, yA]]) {
      const run = runCli(['solve', '--model', model, '--observation', y, '--measurement', spec, '--solver', 'test-gd', '--init', init, '--json']);
      expect(run.code).toBe(0);
      expect(relativeError(JSON.parse(run.stdout).latent, zTrue)).toBeLessThan(1e-8);
    }
  });
});

