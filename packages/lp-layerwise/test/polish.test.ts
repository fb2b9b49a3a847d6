import { boxVector, createProblem, gaussianVector, Generator, normInf, relativeError, Rng, solve, sub } from '@inv/core';
import { describe, expect, it } from 'vitest';
import '../src/index.js';

/** max |G(ẑ) − y|. */
const misfit = (G: Generator, latent: Float64Array, y: Float64Array) => normInf(sub(G.forward(latent), y));

describe('Gauss–Newton polish after the layer-wise LPs', () => {
  // Layer-wise errors grow layer by layer: on this leaky net the LPs' latent misses y by about 15× the noise.
  const generator = Generator.random([8, 40, 100, 200], { seed: 3, activation: { kind: 'leaky_relu', alpha: 0.1 } });
  const rng = new Rng(3);
  const z = gaussianVector(rng, 8);
  const y = generator.forward(z);
  const noise = 1e-5;
  const e = boxVector(rng, y.length, noise);
  for (let i = 0; i < y.length; i++) y[i] += e[i];

  it('turns a layer-wise latent that misses the noise into one that fits it, and says so', async () => {
    // lp-linf (lp-l1 fits this observation without the polish).
    const raw = await solve(createProblem({ generator, observation: y, noiseLevel: noise }), 'lp-linf', { polishSteps: 0 });
    expect(raw.status).toBe('infeasible');
    expect(misfit(generator, raw.latent, y)).toBeGreaterThan(10 * noise);
    const r = await solve(createProblem({ generator, observation: y, noiseLevel: noise }), 'lp-linf');
    expect(r.status).toBe('converged');
    expect(r.success).toBe(true);
    expect(misfit(generator, r.latent, y)).toBeLessThanOrEqual(10 * noise);
    expect(r.info?.gaussNewtonSteps).toBeGreaterThan(0);
    expect(r.message).toMatch(/; \d+ Gauss–Newton steps from the layer-wise latent fit the observation: max \|A·G\(ẑ\) − y\| = \S+$/);
    // Closer to z* too (the noise bounds how close): 5.7e-4 → 3.6e-5 for lp-linf.
    expect(relativeError(r.latent, z)).toBeLessThan(relativeError(raw.latent, z) / 5);
  });

  it('also runs when the layer-wise tests pass but the verdict does not (no_fit), and only then', async () => {
    // Stated noise 1e-4 (10× the real one): the LPs' latent passes the layer-wise fit test (max-norm ≤ 10×),
    // and a verdict allowing 0.3·‖ε‖ refuses its residual 5.1e-4; the polished residual is 8.2e-5.
    const strict = { noiseFactor: 0.3, tol: 0 };
    const off = await solve(createProblem({ generator, observation: y, noiseLevel: 1e-4, verdict: strict }), 'lp-linf', { polishSteps: 0 });
    expect(off.status).toBe('no_fit');
    const r = await solve(createProblem({ generator, observation: y, noiseLevel: 1e-4, verdict: strict }), 'lp-linf');
    expect(r.status).toBe('converged');
    expect(r.success).toBe(true);
    expect(r.fit.residual).toBeLessThanOrEqual(r.fit.allowed);
    expect(r.info?.gaussNewtonSteps).toBeGreaterThan(0);
    // The default verdict accepts the LPs' latent as it is: no polish.
    const loose = await solve(createProblem({ generator, observation: y, noiseLevel: 1e-4 }), 'lp-linf');
    expect(loose.success).toBe(true);
    expect(loose.info?.gaussNewtonSteps).toBeUndefined();
    expect(Array.from(loose.latent)).toEqual(Array.from(off.latent));
  });

  it('keeps the layer-wise answer, infeasible, when the polished latent does not fit either', async () => {
    // A vector no latent of this net produces: every entry positive and large next to the noise.
    const far = Float64Array.from(boxVector(new Rng(9), y.length, 1), (v) => 2 + v);
    const off = await solve(createProblem({ generator, observation: far, noiseLevel: 1e-3 }), 'lp-linf', { polishSteps: 0 });
    const r = await solve(createProblem({ generator, observation: far, noiseLevel: 1e-3 }), 'lp-linf');
    expect(r.status).toBe('infeasible');
    expect(r.success).toBe(false);
    expect(r.message).toBe(off.message);
    expect(Array.from(r.latent)).toEqual(Array.from(off.latent));
    expect(r.info?.gaussNewtonSteps).toBeUndefined();
  });

  it('does not run on an answer that already fits', async () => {
    const clean = generator.forward(z);
    const r = await solve(createProblem({ generator, observation: clean, noiseLevel: 0 }), 'lp-linf');
    expect(r.status).toBe('converged');
    expect(r.info?.gaussNewtonSteps).toBeUndefined();
    expect(relativeError(r.latent, z)).toBeLessThanOrEqual(1e-9);
  });
});
