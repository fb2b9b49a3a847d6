import { describe, expect, it } from 'vitest';
import { boxVector, gaussianVector, noiseVector, Rng, sphereVector } from '../src/index.js';
import { norm2, normInf } from '../src/linalg.js';

describe('Rng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = new Rng(123), b = new Rng(123), c = new Rng(124);
    const xa = Array.from({ length: 50 }, () => a.uniform());
    const xb = Array.from({ length: 50 }, () => b.uniform());
    const xc = Array.from({ length: 50 }, () => c.uniform());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('pins its first numbers so that every machine and engine must reproduce them', () => {
    // xoshiro128** seeded by splitmix32 uses only 32-bit integer arithmetic, so these values are exact;
    // they were computed by an independent Python implementation of the same two algorithms.
    const r = new Rng(42);
    expect([r.uint32(), r.uint32(), r.uint32()]).toEqual([2837322924, 544945897, 479756282]);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and normals with mean 0 and variance 1', () => {
    const r = new Rng(5);
    const n = 200_000;
    let su = 0, sn = 0, sn2 = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      su += u; min = Math.min(min, u); max = Math.max(max, u);
      const g = r.normal();
      sn += g; sn2 += g * g;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Five standard errors: sqrt(1/12/n) for the uniform mean, 1/sqrt(n) and sqrt(2/n) for the normal moments.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sn / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(NaN)).toThrow(/seed/);
  });
});

describe('seeded vectors', () => {
  it('scales Gaussian vectors by the standard deviation', () => {
    const v = gaussianVector(new Rng(1), 100_000, 0.1);
    expect(norm2(v) / Math.sqrt(v.length)).toBeCloseTo(0.1, 3);
  });

  it('puts sphere vectors exactly on the sphere', () => {
    expect(norm2(sphereVector(new Rng(2), 37, 2.5))).toBeCloseTo(2.5, 12);
  });

  it('keeps box noise inside the l-inf ball and uses most of it', () => {
    const v = boxVector(new Rng(3), 5000, 0.3);
    expect(normInf(v)).toBeLessThanOrEqual(0.3);
    expect(normInf(v)).toBeGreaterThan(0.29);
  });

  it('dispatches noise kinds and rejects unknown ones', () => {
    expect(norm2(noiseVector(new Rng(4), 10, 'sphere', 3))).toBeCloseTo(3, 12);
    expect(() => noiseVector(new Rng(4), 10, 'pink' as never, 1)).toThrow(/noise kind/);
  });
});
