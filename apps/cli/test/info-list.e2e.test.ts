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
    // 2^2·4 = 16 < 64 outputs.
    expect(info.conditions).toMatchObject({ allRelu: true, biasFree: true, measurementsNeeded: 16, compressible: true });
    const solver = (name: string) => info.solvers.find((s: { name: string }) => s.name === name);
    // 4x expansion passes the LP's 2.1; 16 < 5·4 fails PLUGIn's first-layer rule.
    expect(solver('lp-linf').applicable).toBe(true);
    expect(solver('lp-linf').conditions.map((c: { holds: boolean }) => c.holds)).toEqual([true, true, true]);
    const widths = solver('plugin').conditions.find((c: { name: string }) => c.name.startsWith('widths'));
    // min over layers of n_i / (5^i n_0): 16/20 and 64/100.
    expect(widths).toMatchObject({ kind: 'theory', holds: false, reason: `smallest n_i/(5^i n_0) = ${(0.64).toPrecision(3)} (first short at stage 0 (dense, relu: 4 → 16))` });
    // The papers' N(0, 1/n_i) weights have mean squared entry 1/n_i.
    for (const l of info.layers) expect(l.gaussianScale).toBeGreaterThan(0.5), expect(l.gaussianScale).toBeLessThan(1.5);
  });

  it('prints a human summary without --json', () => {
    const run = runCli(['info', path]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('4-16-64 relu,relu (bias-free)');
    expect(run.stdout).toContain('lp-linf: applicable\n  needs: supports its stages: yes');
    expect(run.stdout).toContain('  theory: every ReLU-type stage expands >= 2.1x: yes');
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
    expect(info.conditions).toMatchObject({ allRelu: false, measurementsNeeded: 80 });
    // Without --plugins only the shipped solvers are registered: every one can answer on this dense decoder.
    expect(info.solvers.map((s: { name: string; applicable: boolean }) => [s.name, s.applicable])).toEqual([
      ['gd', true], ['lp-l1', true], ['lp-linf', true], ['plugin', true],
    ]);
    const lp = info.solvers.find((s: { name: string }) => s.name === 'lp-linf');
    expect(lp.conditions.every((c: { holds: boolean }) => c.holds)).toBe(true);
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
    expect(info.conditions).toMatchObject({ convolutional: true });
    // Stage 4 maps 29x29x3 = 2523 values to 15x15x2 = 450.
    const lp = info.solvers.find((s: { name: string }) => s.name === 'lp-l1');
    expect(lp.applicable).toBe(false);
    expect(lp.conditions[1].reason).toMatch(/^stage 4 \(conv2d 3x3 s2x2 same, sigmoid: 29x29x3 → 15x15x2, 2523 → 450\) contracts/);
  });

  it('says per solver, before any solve, which can answer on the shipped conv decoder and why lp cannot', () => {
    const text = runCli(['info', '--model', 'conv-20-784'], { plugins: false });
    expect(text.code).toBe(0);
    // A model given twice (argument and --model) is a usage error.
    const twice = runCli(['info', '20-60-784', '--model', 'conv-20-784'], { plugins: false });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^inv: info: expected one model.json, .onnx file or shipped decoder name \(an argument or --model\), got 2/);
    const lines = text.stdout.split('\n');
    const block = (name: string) => lines.slice(lines.indexOf(name === 'gd' ? 'gd: applicable' : lines.find((l) => l.startsWith(`${name}: `))!)).slice(0, 5);
    expect(block('gd')[0]).toBe('gd: applicable');
    expect(block('plugin')[0]).toBe('plugin: applicable');
    expect(block('plugin').join('\n')).toContain('theory: dense Gaussian layers (no shared kernels): no (stage 1 (conv2d_transpose 4x4 s2x2 same, relu: 7x7x32 → 14x14x16, 1568 → 3136) shares kernel weights');
    for (const name of ['lp-linf', 'lp-l1']) {
      expect(block(name)[0]).toBe(`${name}: not applicable`);
      expect(block(name)[2]).toBe(
        '  needs: every stage expands (out >= in): no (stage 2 (conv2d_transpose 4x4 s2x2 same, sigmoid: 14x14x16 → 28x28x1, 3136 → 784) contracts: 784 observed outputs cannot determine its 3136 inputs, so the layer-wise LP cannot invert it (gd and plugin can))',
      );
    }
  });
});
