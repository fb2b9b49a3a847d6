// The page's experiments give the same observations as before the noise model moved to @inv/core: the
// expected values were printed by the code it replaced (#19).
import { describe, expect, it } from 'vitest';
import { Generator } from '@inv/core';
import { buildExperiment } from '../src/experiment.js';
import type { ExperimentSpec } from '../src/protocol.js';

describe('buildExperiment observes as it did', () => {
  const generator = Generator.random([4, 30, 49], { seed: 3 });
  const base: ExperimentSpec = { generator: { kind: 'gaussian', widths: [4, 30, 49], seed: 3 }, signal: { kind: 'latent', seed: 7 }, task: { kind: 'denoise' }, noise: 0.1, noiseSeed: 2 };
  it.each([
    ['denoise σ 0.1', base, [49, 0.34852241513948645, 0.11123114002066091], 0.1],
    ['cs m 20 σ 0.05', { ...base, task: { kind: 'cs', m: 20, seed: 5 }, noise: 0.05, noiseSeed: 6 }, [20, -0.36048048314874953, -0.5988593403925764], 0.05],
    ['inpaint 50% noiseless', { ...base, task: { kind: 'inpaint-random', fraction: 0.5, seed: 1 }, noise: 0 }, [25, 0.3562514457817676, 0], 0],
  ] as const)('%s', (_, spec, y, noiseLevel) => {
    const p = buildExperiment(generator, spec as ExperimentSpec).problem;
    expect([p.observation.length, p.observation[0], p.observation[p.observation.length - 1]]).toEqual(y);
    expect(p.noiseLevel).toBe(noiseLevel);
    expect(p.noiseNorm).toBeUndefined();
  });
});
