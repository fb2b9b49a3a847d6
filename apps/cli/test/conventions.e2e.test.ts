/** What people expect of a command: --version, exit codes in --help, shipped model names for model paths. */
import { readFileSync } from 'node:fs';
import { gaussianVector, relativeError, Rng } from '@inv/core';
import { mnistGenerator } from '@inv/models/node';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeNpy } from './helpers.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('inv conventions', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('--version prints the package version', () => {
    expect(runCli(['--version'], { plugins: false })).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the exit codes 0-3', () => {
    const run = runCli(['--help'], { plugins: false });
    expect(run.code).toBe(0);
    const codes = run.stdout.slice(run.stdout.indexOf('Exit codes:')).trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]);
    expect(codes).toEqual(['0', '1', '2', '3']);
    expect(run.stdout).toMatch(/3 {2}a solve ran but did not succeed/);
  });

  it('info takes a shipped decoder name where a model.json goes', () => {
    const info = runCli(['info', '20-500-500-784', '--json'], { plugins: false });
    expect(info.code).toBe(0);
    const parsed = JSON.parse(info.stdout) as { layers: { in: number; out: number }[] };
    expect(parsed.layers.map((l) => [l.in, l.out])).toEqual([[20, 500], [500, 500], [500, 784]]);
    // A name that is neither shipped nor a file is a file error naming it.
    const missing = runCli(['info', '20-61-784'], { plugins: false });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^inv: .*20-61-784/);
  });

  it('solve takes a shipped decoder name for --model', () => {
    const z = gaussianVector(new Rng(5), 20);
    const y = writeNpy(tmp.path('y.npy'), mnistGenerator('20-60-784').forward(z));
    const run = runCli(['solve', '--model', '20-60-784', '--observation', y, '--solver', 'lp-linf', '--json'], { plugins: false });
    expect(run.stderr).toBe('');
    // A clean observation of the shipped (expansive, bias-free) decoder is inverted exactly.
    expect(relativeError((JSON.parse(run.stdout) as { latent: number[] }).latent, z)).toBeLessThan(1e-9);
  });
});
