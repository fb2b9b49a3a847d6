import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { opNorm } from '@inv/core';
import { runCli, tempDir, tinyModel } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.each(['tfjs', 'keras'] as const)('inv info on a %s-layout model', (layout) => {
  const { generator, path } = tinyModel(tmp.dir, layout);

  it('reports widths, expansion, operator norms, conditions and the PLUGIn step', () => {
    const run = runCli(['info', path, '--json']);
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.widths).toEqual([4, 16, 64]);
    expect(info.layers.map((l: { expansion: number }) => l.expansion)).toEqual([4, 4]);
    const norms = generator.layers.map((l) => opNorm(l.weight));
    info.layers.forEach((l: { opNorm: number }, i: number) => expect(l.opNorm).toBeCloseTo(norms[i], 6));
    expect(info.pluginStep.trained).toBeCloseTo(1 / (norms[0] * norms[1]), 6);
    expect(info.pluginStep.gaussian).toBe(4);
    // 4x expansion passes the LP's 2.1; 16 < 5·4 fails PLUGIn's first-layer rule; 2^2·4 = 16 < 64 outputs.
    expect(info.conditions).toMatchObject({ lpExpansion: true, pluginWidths: false, allRelu: true, biasFree: true, measurementsNeeded: 16, compressible: true });
    // min over layers of n_i / (5^i n_0): 16/20 and 64/100.
    expect(info.conditions.pluginWidthMargin).toBeCloseTo(Math.min(16 / 20, 64 / 100), 12);
    // The papers' N(0, 1/n_i) weights have mean squared entry 1/n_i.
    for (const l of info.layers) expect(l.gaussianScale).toBeGreaterThan(0.5), expect(l.gaussianScale).toBeLessThan(1.5);
  });

  it('prints a human summary without --json', () => {
    const run = runCli(['info', path]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('4-16-64 relu,relu (bias-free)');
    expect(run.stdout).toContain('expansion >= 2.1 per ReLU-type layer (>= 1 for sigmoid, tanh, linear): yes');
  });
});

describe('inv list', () => {
  it('shows every registered solver, the shipped ones and a plugged-in one, with kebab-case options', () => {
    const run = runCli(['list', '--json']);
    expect(run.code).toBe(0);
    const { solvers, missingPackages } = JSON.parse(run.stdout);
    const names = solvers.map((s: { name: string }) => s.name);
    for (const name of ['plugin', 'lp-linf', 'lp-l1', 'gd', 'test-gd']) expect(names).toContain(name);
    expect(missingPackages).toEqual([]);
    const fixture = solvers.find((s: { name: string }) => s.name === 'test-gd');
    expect(Object.keys(fixture.options)).toContain('max-iterations');
    expect(fixture.supports.measurements).toEqual(['identity', 'mask', 'matrix']);
  });

  it('prints a table without --json', () => {
    const run = runCli(['list'], { plugins: false });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| plugin +\|/);
    expect(run.stdout).not.toContain('test-gd');
  });
});

describe('inv info on the shipped MNIST decoder', () => {
  it('applies the LP expansion rule to ReLU layers only (the sigmoid output layer is inverted exactly)', () => {
    const run = runCli(['info', join(__dirname, '..', 'node_modules', '@inv', 'models', 'assets', '20-60-784', 'model.json'), '--json'], { plugins: false });
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.widths).toEqual([20, 60, 784]);
    expect(info.layers.map((l: { activation: string }) => l.activation)).toEqual(['relu', 'sigmoid']);
    // 60/20 = 3 >= 2.1 for the ReLU layer; 784/60 >= 1 for the sigmoid one.
    expect(info.conditions).toMatchObject({ lpExpansion: true, allRelu: false, measurementsNeeded: 80 });
  });
});

describe('inv info on a convolutional model', () => {
  it('describes every stage (kind, shape, expansion, operator norm) and which solvers take it', () => {
    const path = join(__dirname, '..', '..', '..', 'packages', 'core', 'test', 'fixtures', 'conv-model', 'model.json');
    const run = runCli(['info', path, '--json'], { plugins: false });
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.layers.map((l: { kind: string }) => l.kind)).toEqual([
      'dense', 'conv2d_transpose 4x4 s2x2 same', 'upsampling2d 2x2 + conv2d 3x3 s1x1 valid', 'conv2d_transpose 3x3 s2x2 valid', 'conv2d 3x3 s2x2 same', 'dense',
    ]);
    expect(info.layers.map((l: { shape: number[] }) => l.shape.join('x'))).toEqual(['4x4x6', '8x8x5', '14x14x4', '29x29x3', '15x15x2', '10']);
    expect(info.layers[1].expansion).toBeCloseTo(320 / 96, 12);
    for (const l of info.layers) expect(l.opNorm).toBeGreaterThan(0);
    expect(info.conditions).toMatchObject({ convolutional: true, lpExpansion: false });
    const text = runCli(['info', path], { plugins: false });
    expect(text.stdout).toMatch(/convolutional stages: gd takes them/);
    expect(text.stdout).toMatch(/too little expansion for an exact LP at layer 4, 5/);
  });
});
