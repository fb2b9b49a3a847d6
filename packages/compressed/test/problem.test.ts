import { describe, expect, it } from 'vitest';
import { distance, Generator, IdentityOperator, norm2, ValueError, type NdArray, type Result } from '@inv/core';
import {
  createCompressedSensingProblem,
  GaussianMatrixOperator,
  measurementFromSpec,
  measurementGuard,
  measurementThreshold,
  OnTheFlyGaussianOperator,
  problemGuard,
  SubsampleOperator,
  withMeasurementGuard,
} from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

const generator = Generator.random([10, 200, 500], { seed: 1 });

describe('measurementFromSpec', () => {
  it('builds the operator a spec describes', () => {
    const op = measurementFromSpec('gaussian:120:7', 500);
    expect(op).toBeInstanceOf(GaussianMatrixOperator);
    expect([op.rows, op.cols, op.kind]).toEqual([120, 500, 'gaussian']);
    expect(maxAbsDiff(op.toMatrix().data, measurementFromSpec('gaussian:120:7', 500, { onTheFly: true }).toMatrix().data)).toBe(0);
    expect(measurementFromSpec('gaussian:120:7', 500, { onTheFly: true })).toBeInstanceOf(OnTheFlyGaussianOperator);
    expect(measurementFromSpec('subsample:50:1', 500)).toBeInstanceOf(SubsampleOperator);
    expect(measurementFromSpec({ kind: 'identity' }, 500)).toBeInstanceOf(IdentityOperator);
  });

  it("takes the spec's seed, else the caller's default, else 0", () => {
    const entries = (spec: string, seed?: number) => measurementFromSpec(spec, 30, { seed }).toMatrix().data;
    expect(maxAbsDiff(entries('gaussian:4', 9), entries('gaussian:4:9'))).toBe(0);
    expect(maxAbsDiff(entries('gaussian:4:3', 9), entries('gaussian:4:3'))).toBe(0);
    expect(maxAbsDiff(entries('gaussian:4'), entries('gaussian:4:0'))).toBe(0);
    expect(maxAbsDiff(entries('gaussian:4:3'), entries('gaussian:4:9'))).toBeGreaterThan(0.1);
  });

  it('builds mask and matrix specs from the arrays the reader returns, checking their shape', () => {
    const arrays: Record<string, NdArray> = {
      'm.npy': { shape: [4], data: Float64Array.from([1, 0, 1, 1]) },
      'a.npy': { shape: [2, 4], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
    };
    const read = (path: string) => arrays[path];
    expect(measurementFromSpec('mask:m.npy', 4, { read }).apply([5, 6, 7, 8])).toEqual(Float64Array.from([5, 7, 8]));
    expect(measurementFromSpec('matrix:a.npy', 4, { read }).apply([1, 0, 0, 1])).toEqual(Float64Array.from([5, 13]));
    expect(() => measurementFromSpec('mask:m.npy', 5, { read })).toThrow('mask m.npy: expected length 5');
    expect(() => measurementFromSpec('matrix:a.npy', 5, { read })).toThrow('measurement matrix a.npy: expected 5 columns');
    expect(() => measurementFromSpec('mask:m.npy', 4)).toThrow(/no file reader/);
  });

  it('refuses what the operator cannot be', () => {
    expect(() => measurementFromSpec('subsample:600', 500)).toThrow(/at most n = 500/);
    expect(() => measurementFromSpec('gaussian:5:-1', 500)).toThrow(/gaussian seed must be an integer >= 0/);
  });
});

describe('measurement guard (m >= 2^d·n_0)', () => {
  it('states the PLUGIn-CS threshold', () => {
    expect(measurementThreshold(generator)).toBe(40);
    expect(measurementThreshold(Generator.random([20, 500, 500, 784]))).toBe(160);
    expect(measurementGuard(generator, 40)).toBeUndefined();
    expect(measurementGuard(generator, 120)).toBeUndefined();
    expect(measurementGuard(generator, 39)).toMatch(/m = 39 .* 2\^2·10 = 40/);
    expect(() => measurementGuard(generator, 0)).toThrow(ValueError);
  });

  it('appends the warning to a result message only when m is too small', () => {
    const few = createCompressedSensingProblem({ generator, m: 20, seed: 1 }).problem;
    const enough = createCompressedSensingProblem({ generator, m: 120, seed: 1 }).problem;
    const result = { message: 'converged' } as Result;
    expect(withMeasurementGuard(result, few).message).toMatch(/^converged; warning: m = 20/);
    expect(withMeasurementGuard(result, enough).message).toBe('converged');
    expect(problemGuard({ generator, measurement: new IdentityOperator(500) })).toBeUndefined();
  });
});

describe('createCompressedSensingProblem', () => {
  it('builds y = A·G(z*) + ε with its truth, reproducibly', () => {
    const a = createCompressedSensingProblem({ generator, m: 120, seed: 3, noise: 0.01 });
    const b = createCompressedSensingProblem({ generator, m: 120, seed: 3, noise: 0.01 });
    const { problem, truth } = a;
    expect(problem.measurement.kind).toBe('gaussian');
    expect(problem.observation.length).toBe(120);
    expect(problem.noiseLevel).toBe(0.01);
    expect(maxAbsDiff(truth.signal, generator.forward(truth.latent))).toBe(0);
    const clean = problem.measurement.apply(truth.signal);
    expect(maxAbsDiff(problem.observation, clean.map((v, i) => v + truth.noise[i]))).toBeLessThan(1e-15);
    // Per-entry std 0.01 over 120 entries: ‖ε‖ ≈ 0.11.
    expect(norm2(truth.noise)).toBeGreaterThan(0.07);
    expect(norm2(truth.noise)).toBeLessThan(0.15);
    expect(maxAbsDiff(b.problem.observation, problem.observation)).toBe(0);
    expect(maxAbsDiff(b.truth.latent, truth.latent)).toBe(0);
  });

  it('keeps A and z* when only the noise changes, and uses a given latent', () => {
    const quiet = createCompressedSensingProblem({ generator, m: 50, seed: 4 });
    const loud = createCompressedSensingProblem({ generator, m: 50, seed: 4, noise: { kind: 'sphere', level: 0.5 } });
    expect(maxAbsDiff(quiet.truth.latent, loud.truth.latent)).toBe(0);
    expect(maxAbsDiff(quiet.problem.measurement.toMatrix().data, loud.problem.measurement.toMatrix().data)).toBe(0);
    expect(distance(quiet.problem.observation, loud.problem.observation)).toBeCloseTo(0.5, 12);
    const z = new Float64Array(10).fill(0.3);
    expect(Array.from(createCompressedSensingProblem({ generator, m: 50, latent: z }).truth.latent)).toEqual(Array.from(z));
  });

  it('rejects a missing m, a wrong latent and negative noise', () => {
    expect(() => createCompressedSensingProblem({ generator })).toThrow(/gaussian m/);
    expect(() => createCompressedSensingProblem({ generator, m: 10, latent: [1, 2] })).toThrow(/latent: expected length 10/);
    expect(() => createCompressedSensingProblem({ generator, m: 10, noise: -1 })).toThrow(/noise/);
  });
});
