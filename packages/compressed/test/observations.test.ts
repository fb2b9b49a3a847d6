// Compressed-sensing problems give the same observations and noise statements as before the noise model
// moved to @inv/core: the expected values were printed by the code it replaced (#19).
import { describe, expect, it } from 'vitest';
import { Generator } from '@inv/core';
import { createCompressedSensingProblem } from '../src/index.js';

describe('createCompressedSensingProblem stays as it was', () => {
  const generator = Generator.random([3, 8], { seed: 1 });
  const cases = [
    ['no noise', undefined, [-0.6857509098355556, -0.39231053629999035], undefined, undefined],
    ['gaussian 0.1', 0.1, [-0.6801621134370014, -0.3810040206862508], 0.1, undefined],
    ['sphere 0.2', { kind: 'sphere', level: 0.2 }, [-0.6799184704396289, -0.38051111431473167], 0.2, 0.2],
    ['box 0.05', { kind: 'box', level: 0.05 }, [-0.6847471916110872, -0.3892281410302597], 0.05, undefined],
  ] as const;
  it.each(cases)('%s', (_, noise, y, noiseLevel, noiseNorm) => {
    const c = createCompressedSensingProblem({ generator, m: 5, seed: 4, noise });
    expect([c.problem.observation[0], c.problem.observation[4]]).toEqual(y);
    expect(c.truth.latent[0]).toBe(-0.5139012775090193);
    expect(c.problem.noiseLevel).toBe(noiseLevel);
    expect(c.problem.noiseNorm).toBe(noiseNorm);
  });
});
