// The benchmark's instances are the same as before their box noise came from @inv/core's noise model:
// the expected values were printed by the code it replaced (#19). Latents and noise share one stream.
import { describe, expect, it } from 'vitest';
import { Generator } from '@inv/core';
import { instance, makeCase } from '../src/bench.js';

describe('lp-layerwise bench instances stay as they were', () => {
  const generator = Generator.random([20, 50, 120], { seed: 2019 });
  it('batch cases', () => {
    const clean = makeCase(generator, 2, 0, 8);
    const Y0 = clean.batch.observations;
    expect([Y0.data[0], Y0.data[Y0.cols], Y0.data[Y0.data.length - 1], clean.latents[1][0]]).toEqual([0, 0, 0.4059802161057228, 0.22613683276919402]);
    expect(clean.batch.noiseLevel).toBeUndefined();
    const noisy = makeCase(generator, 2, 1e-3, 8);
    const Y = noisy.batch.observations;
    expect([Y.data[0], Y.data[Y.cols], Y.data[Y.data.length - 1], noisy.latents[1][0]]).toEqual([0.0004897952631278948, 0.0005551885475479486, 0.09360800393115701, 2.928070242447296]);
    expect(noisy.batch.noiseLevel).toBe(0.001);
  });
  it('cvxopt instances', () => {
    const clean = instance('x', generator, 2, 0, 12);
    expect([clean.observations[0][0], clean.observations[1][119], clean.latents[1][3]]).toEqual([0.03619737036702793, 0.21810883214084476, -1.4853060817735326]);
    const noisy = instance('x', generator, 2, 1e-3, 12);
    expect([noisy.observations[0][0], noisy.observations[1][119], noisy.latents[1][3]]).toEqual([0.036107842124612724, 0.176680801956384, 0.6757747807828771]);
  });
});
