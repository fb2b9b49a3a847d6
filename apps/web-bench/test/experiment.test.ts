import { describe, expect, it } from 'vitest';
import { Generator, IdentityOperator, InvError, MaskOperator, ShapeError, ValueError, norm2, type Result } from '@inv/core';
import { buildExperiment, parseSweepValues, parseWidths, randomMaskIndices, scoreResult, sweepParameters, withParameter } from '../src/experiment.js';
import type { ExperimentSpec } from '../src/protocol.js';

const generator = Generator.random([4, 30, 49], { seed: 3 });
const base: ExperimentSpec = { generator: { kind: 'gaussian', widths: [4, 30, 49], seed: 3 }, signal: { kind: 'latent', seed: 7 }, task: { kind: 'denoise' }, noise: 0, noiseSeed: 1 };
const image = Float64Array.from({ length: 49 }, (_, i) => (i % 7) / 6);

describe('parseWidths', () => {
  it('reads dashes, commas and spaces', () => {
    expect(parseWidths('20-250-784')).toEqual([20, 250, 784]);
    expect(parseWidths(' 5, 10 40 ')).toEqual([5, 10, 40]);
  });
  it.each(['', '20', '20-0-784', '20-2.5-784', '20-abc', '20-5000'])('rejects %j naming the field', (text) => {
    expect(() => parseWidths(text)).toThrow(/^widths: expected/);
  });
});

describe('randomMaskIndices', () => {
  it('picks round(fraction·n) distinct increasing positions, reproducibly from the seed', () => {
    const a = randomMaskIndices(100, 0.3, 5);
    expect(a).toHaveLength(30);
    expect(new Set(a).size).toBe(30);
    expect(a.every((v, i) => v >= 0 && v < 100 && (i === 0 || v > a[i - 1]))).toBe(true);
    expect(randomMaskIndices(100, 0.3, 5)).toEqual(a);
    expect(randomMaskIndices(100, 0.3, 6)).not.toEqual(a);
    expect(randomMaskIndices(10, 1, 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('explains a fraction that observes nothing', () => {
    expect(() => randomMaskIndices(784, 0.0001, 0)).toThrow(ValueError);
    expect(() => randomMaskIndices(784, 0.0001, 0)).toThrow(/observes no pixel/);
    expect(() => randomMaskIndices(784, 0, 0)).toThrow(/observed fraction: expected a number in \(0, 1\]/);
    expect(() => randomMaskIndices(784, 1.5, 0)).toThrow(/observed fraction/);
  });
});

describe('buildExperiment', () => {
  it('denoising a random latent: y = G(z*) exactly without noise, and the true latent is kept', () => {
    const e = buildExperiment(generator, base);
    expect(e.problem.measurement).toBeInstanceOf(IdentityOperator);
    expect(Array.from(e.problem.observation)).toEqual(Array.from(generator.forward(e.truthLatent!)));
    expect(Array.from(e.truth)).toEqual(Array.from(e.problem.observation));
    expect(e.range[1]).toBe(Math.max(...e.truth));
  });

  it('adds Gaussian noise of the requested size, reproducibly', () => {
    const e = buildExperiment(generator, { ...base, noise: 0.5 });
    const diff = e.problem.observation.map((v, i) => v - e.truth[i]);
    // ‖ε‖ ≈ σ·√n for n = 49 draws; 3 standard deviations of the chi distribution either side.
    expect(norm2(diff)).toBeGreaterThan(0.5 * (7 - 3 * 0.71));
    expect(norm2(diff)).toBeLessThan(0.5 * (7 + 3 * 0.71));
    expect(buildExperiment(generator, { ...base, noise: 0.5 }).problem.observation).toEqual(e.problem.observation);
    expect(e.problem.noiseLevel).toBe(0.5);
  });

  it('random inpainting observes the chosen fraction and marks the rest NaN in the picture', () => {
    const e = buildExperiment(generator, { ...base, signal: { kind: 'image', pixels: image, label: 'test' }, task: { kind: 'inpaint-random', fraction: 0.4, seed: 2 } });
    const A = e.problem.measurement as MaskOperator;
    expect(A).toBeInstanceOf(MaskOperator);
    expect(A.rows).toBe(20);
    expect(Array.from(e.problem.observation)).toEqual(Array.from(A.indices, (i) => image[i]));
    expect(e.observed.filter(Number.isNaN)).toHaveLength(49 - 20);
    expect(e.range).toEqual([0, 1]);
  });

  it('a painted mask that observes nothing is explained', () => {
    const spec: ExperimentSpec = { ...base, task: { kind: 'inpaint-mask', mask: new Float64Array(49) } };
    expect(() => buildExperiment(generator, spec)).toThrow(/painted mask: observes no entries/);
    const wrong: ExperimentSpec = { ...base, task: { kind: 'inpaint-mask', mask: new Float64Array(784).fill(1) } };
    expect(() => buildExperiment(generator, wrong)).toThrow(ShapeError);
  });

  it('compressed sensing: m Gaussian measurements, and m = 0 or m > 4n is refused', () => {
    const e = buildExperiment(generator, { ...base, task: { kind: 'cs', m: 12, seed: 4 } });
    expect(e.problem.measurement.rows).toBe(12);
    expect(e.problem.measurement.kind).toBe('gaussian');
    expect(Array.from(e.problem.observation)).toEqual(Array.from(e.problem.measurement.apply(e.truth)));
    expect(e.observedRange).not.toEqual(e.range);
    for (const m of [0, -3, 2.5]) expect(() => buildExperiment(generator, { ...base, task: { kind: 'cs', m, seed: 0 } })).toThrow(/measurements m: expected an integer >= 1/);
    expect(() => buildExperiment(generator, { ...base, task: { kind: 'cs', m: 197, seed: 0 } })).toThrow(/at most 4n = 196/);
  });

  it('a digit whose size differs from the generator output is explained', () => {
    const spec: ExperimentSpec = { ...base, signal: { kind: 'image', pixels: new Float64Array(784), label: 'digit' } };
    expect(() => buildExperiment(generator, spec)).toThrow(/digit: has 784 pixels but the generator outputs 49/);
  });

  it('rejects a negative or infinite noise level', () => {
    for (const noise of [-0.1, Infinity, NaN]) expect(() => buildExperiment(generator, { ...base, noise })).toThrow(/noise level: expected a finite number >= 0/);
  });
});

describe('scoreResult', () => {
  it('computes signal and latent errors and PSNR against the truth', () => {
    const e = buildExperiment(generator, base);
    const latent = e.truthLatent!.map((v) => v * 1.1);
    const reconstruction = generator.forward(latent);
    const fit = { residual: 0.5, allowed: 0.25, ok: false };
    const result: Result = { solver: 'x', status: 'no_fit', success: false, fit, message: '', latent, reconstruction, iterations: 3, residual: 0.5, timeMs: 1 };
    const row = scoreResult(e, result);
    expect([row.status, row.success, row.fit]).toEqual(['no_fit', false, fit]);
    // Bias-free ReLU nets are positively homogeneous: G(1.1 z) = 1.1 G(z), so both errors are 0.1.
    expect(row.relativeError).toBeCloseTo(0.1, 12);
    expect(row.latentError).toBeCloseTo(0.1, 12);
    const mse = (0.01 * e.truth.reduce((s, v) => s + v * v, 0)) / 49;
    expect(row.psnr).toBeCloseTo(10 * Math.log10((e.peak * e.peak) / mse), 9);
  });
});

describe('sweeps', () => {
  it('sweeps the noise for every task, m for compressed sensing and the fraction for random inpainting', () => {
    expect(sweepParameters({ kind: 'denoise' })).toEqual(['noise']);
    expect(sweepParameters({ kind: 'cs', m: 5, seed: 0 })).toEqual(['noise', 'm']);
    const cs: ExperimentSpec = { ...base, task: { kind: 'cs', m: 5, seed: 0 } };
    expect(withParameter(cs, 'm', 40).task).toEqual({ kind: 'cs', m: 40, seed: 0 });
    expect(withParameter(cs, 'noise', 0.2).noise).toBe(0.2);
    expect(() => withParameter(base, 'm', 3)).toThrow(InvError);
  });
  it('parses and sorts sweep values, rounding m', () => {
    expect(parseSweepValues('0.1, 0, 0.05', 'noise')).toEqual([0, 0.05, 0.1]);
    expect(parseSweepValues('100 20.4', 'm')).toEqual([20, 100]);
    expect(() => parseSweepValues('5', 'm')).toThrow(/at least two numbers/);
    expect(() => parseSweepValues('1, x', 'noise')).toThrow(/sweep values/);
  });
});
