import { describe, expect, it } from 'vitest';
import {
  createBatchProblem, createProblem, formatMeasurementSpec, Generator, MaskOperator, measure, measurementSpecFiles, noiseModel, noiseStatement,
  norm2, parseMeasurementSpec, Rng, sampleNoise, statedNoiseNorm, ValueError,
} from '../src/index.js';

describe('parseMeasurementSpec', () => {
  it('reads every form into data, and formats it back', () => {
    const cases = [
      ['identity', { kind: 'identity' }],
      ['mask:dir/m.npy', { kind: 'mask', path: 'dir/m.npy' }],
      ['matrix:C:\\A.npy', { kind: 'matrix', path: 'C:\\A.npy' }],
      ['gaussian:120', { kind: 'gaussian', m: 120 }],
      ['gaussian:120:7', { kind: 'gaussian', m: 120, seed: 7 }],
      ['subsample:300:0', { kind: 'subsample', m: 300, seed: 0 }],
    ] as const;
    for (const [text, spec] of cases) {
      expect(parseMeasurementSpec(text)).toEqual(spec);
      expect(formatMeasurementSpec(parseMeasurementSpec(text))).toBe(text);
    }
    expect(measurementSpecFiles(parseMeasurementSpec('mask:m.npy'))).toEqual(['m.npy']);
    expect(measurementSpecFiles(parseMeasurementSpec('gaussian:3'))).toEqual([]);
  });

  it('refuses a negative seed, as every --seed does, rather than fold it onto another stream', () => {
    expect(() => parseMeasurementSpec('gaussian:10:-2', '--measurement')).toThrow("--measurement: gaussian seed must be an integer >= 0, got '-2'");
    expect(() => parseMeasurementSpec('subsample:10:-1')).toThrow(ValueError);
  });

  it('names the field and the forms it expects in one line', () => {
    for (const bad of ['gaussian', 'gaussian:', 'identity:3', 'mask:', 'gauss:10', 'gaussian:1:2:3', '', ' gaussian:5']) {
      expect(() => parseMeasurementSpec(bad, '--measurement')).toThrow(`--measurement: unknown spec '${bad}' (expected identity, mask:<file>`);
    }
    for (const bad of ['gaussian:0', 'gaussian:1.5', 'gaussian:x', 'subsample: ']) {
      expect(() => parseMeasurementSpec(bad, '--measurement')).toThrow(/^--measurement: (gaussian|subsample) m must be an integer >= 1, got '.*'$/);
    }
    expect(() => parseMeasurementSpec('gaussian:10:')).toThrow("measurement: gaussian seed must be an integer >= 0, got ''");
  });
});

describe('noise models', () => {
  it('draw the same ε as the noise kinds always did (values printed by @inv/compressed measureSignal before it moved here)', () => {
    const m = measure(new MaskOperator(6, [0, 2, 5]), [1, 2, 3, 4, 5, 6], noiseModel(0.5), new Rng(9));
    expect(Array.from(m.observation)).toEqual([0.6752184170707238, 3.4845000323709208, 6.3765660512613245]);
    expect(m.noise).toEqual(sampleNoise(noiseModel(0.5), new Rng(9), 3));
  });

  it('have the size their kind promises', () => {
    expect(norm2(sampleNoise(noiseModel({ kind: 'sphere', level: 0.3 }), new Rng(1), 50))).toBeCloseTo(0.3, 14);
    const box = sampleNoise(noiseModel({ kind: 'box', level: 0.01 }), new Rng(2), 1000);
    expect(Math.max(...box.map(Math.abs))).toBeLessThanOrEqual(0.01);
    expect(Math.max(...box.map(Math.abs))).toBeGreaterThan(0.009);
  });

  it('draw nothing without a model, so the caller’s stream is untouched', () => {
    const rng = new Rng(5), fresh = new Rng(5);
    const m = measure(new MaskOperator(3, [1]), [1, 2, 3], undefined, rng);
    expect(Array.from(m.observation)).toEqual([2]);
    expect(rng.uint32()).toBe(fresh.uint32());
  });

  it('are checked with the field named', () => {
    expect(() => noiseModel(-0.1, 'noise level')).toThrow('noise level: expected a finite number >= 0, got -0.1');
    expect(() => noiseModel(Number.NaN)).toThrow('noise: expected a finite number >= 0, got NaN');
    expect(() => noiseModel({ kind: 'laplace' as never, level: 1 })).toThrow('noise: expected kind gaussian, sphere, box, got "laplace"');
  });

  it('state their noise to the problem, so the verdict uses it', () => {
    const G = Generator.random([2, 6], { seed: 1 });
    const y = G.forward([0.3, -0.2]);
    expect(noiseStatement(undefined)).toEqual({});
    const gauss = createProblem({ generator: G, observation: y, noise: noiseModel(0.1) });
    expect([gauss.noiseLevel, gauss.noiseNorm, statedNoiseNorm(gauss)]).toEqual([0.1, undefined, 0.1 * Math.sqrt(6)]);
    const sphere = createBatchProblem({ generator: G, observation: y, noise: noiseModel({ kind: 'sphere', level: 0.2 }), verdict: { tol: 0.01 } });
    expect([sphere.noiseLevel, sphere.noiseNorm, sphere.verdict]).toEqual([0.2, 0.2, { tol: 0.01 }]);
    expect(() => createProblem({ generator: G, observation: y, noise: noiseModel(0.1), noiseLevel: 0.1 })).toThrow('noise: give a noise model or noiseLevel/noiseNorm, not both');
  });
});
