/** The payload checks of `inv worker` (no Redis needed): what a job may name and carry. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '@inv/core';
import { checkExperimentPayload, checkSolvePayload, generatorHash, JOB_FORMAT } from '../src/queue/jobs.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const data = join(tmp.dir, 'data');
mkdirSync(data);
const model = join(data, 'model.json');
writeFileSync(model, '{}');
symlinkSync('/etc/hostname', join(data, 'escape.json'));
const sha = 'a'.repeat(64);
const good = { format: JOB_FORMAT, solver: 'gd', model: { path: model, sha256: sha }, measurement: 'identity', files: [], seed: 0, options: { maxIterations: 10, initialLatent: [0, 1] }, rows: [[1, 2], [3, 4]], item: 2, items: 4 };

describe('solve job payloads', () => {
  it('accepts a well-formed chunk', () => {
    expect(checkSolvePayload(good, [data])).toMatchObject({ solver: 'gd', rows: [[1, 2], [3, 4]], item: 2, items: 4 });
  });

  it.each([
    [{ ...good, model: { path: 'model.json', sha256: sha } }, 'solve job: model: expected an absolute path'],
    [{ ...good, model: { path: join(data, 'escape.json'), sha256: sha } }, "is not a readable file inside this worker's --data folders"],
    [{ ...good, model: { path: join(data, '..', '..', 'etc', 'passwd'), sha256: sha } }, "is not a readable file inside this worker's --data folders"],
    [{ ...good, measurement: `mask:${model}` }, 'solve job: files: expected exactly the files the measurement spec names'],
    [{ ...good, rows: [[1, 2], [3]] }, 'solve job: rows[1]: expected 2 numbers like the first row'],
    [{ ...good, rows: [] }, 'solve job: rows: expected 1 to 8192 rows'],
    [{ ...good, item: 3 }, 'solve job: rows run past items'],
    [{ ...good, options: { init: { nested: true } } }, 'solve job: options.init: expected a number, boolean, string or list of numbers'],
    [{ ...good, format: 0 }, 'solve job: job format 0 (this worker reads format 1'],
    [{ ...good, extra: 1 }, "solve job: unexpected field 'extra'"],
    [{ ...good, noiseLevel: -1 }, 'solve job: noiseLevel: expected a finite number >= 0'],
    [{ ...good, fitTol: 'x' }, 'solve job: fitTol: expected a finite number >= 0'],
  ])('rejects %#', (payload, reason) => {
    expect(() => checkSolvePayload(payload, [data])).toThrow(reason);
  });
});

describe('experiment job payloads', () => {
  it('rebuilds the task from the settings rather than trusting one sent', () => {
    const { task } = checkExperimentPayload({ format: JOB_FORMAT, experiment: 'negation-check', trials: 2, seed: 5, index: 3 });
    // negation-check: 2 trials per net, so task 3 is the second net's second trial.
    expect(task).toEqual({ widths: [2, 100, 500], seed: 5 * 1_000_003 + 10_000 + 1 });
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => checkExperimentPayload({ format: JOB_FORMAT, experiment: 'negation-check', trials: 2, seed: 2 ** 60, index: 0 })).toThrow('experiment job: seed: expected an integer');
  });
});

describe('generatorHash', () => {
  it('depends on the weights only, not on how the generator was made', () => {
    const a = Generator.random([3, 8, 16], { seed: 1 });
    // A separate copy of the same weights (no plain id, so fromPlain builds a new generator).
    const copy = Generator.fromPlain({ layers: a.toPlain().layers.map((l) => ({ ...l, weight: Float64Array.from(l.weight) })) });
    expect(copy).not.toBe(a);
    expect(generatorHash(copy)).toBe(generatorHash(a));
    expect(generatorHash(Generator.random([3, 8, 16], { seed: 2 }))).not.toBe(generatorHash(a));
    expect(generatorHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
