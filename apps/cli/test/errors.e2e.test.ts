import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '@inv/core';
import { writeGenerator } from '@inv/core/node';
import { expectOneLineError, runCli, tempDir, tinyModel, writeJson, writeNpy } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const { generator, path: model } = tinyModel(tmp.dir, 'tfjs');
const y = writeNpy(tmp.path('y.npy'), generator.forward([0.5, -0.3, 0.8, 0.2]));
const out = join(tmp.dir, 'out', 'result.json');
const png = join(tmp.dir, 'out', 'img');

/** Solves with the given overrides and checks the failure contract, including that nothing was written. */
function failingSolve(overrides: Record<string, string | null>, needle: string, extra: string[] = []): string {
  const flags: Record<string, string | null> = { model, observation: y, solver: 'test-gd', out, png, ...overrides };
  const argv = ['solve', ...Object.entries(flags).flatMap(([k, v]) => (v === null ? [] : [`--${k}`, v])), ...extra];
  const run = runCli(argv);
  const line = expectOneLineError(run, needle);
  expect(tmp.files().filter((f) => f.startsWith('out'))).toEqual([]);
  return line;
}

/** A copy of the model folder with one file changed, for the malformed-model cases. */
function brokenModel(name: string, edit: (dir: string) => void): string {
  const dir = tmp.path(name);
  mkdirSync(dir, { recursive: true });
  for (const f of ['model.json', 'weights.bin']) copyFileSync(join(model, '..', f), join(dir, f));
  edit(dir);
  return join(dir, 'model.json');
}

describe('inv solve rejects bad input with one line, a non-zero exit and no output file', () => {
  it('a missing model file', () => {
    failingSolve({ model: join(tmp.dir, 'nope', 'model.json') }, 'nope/model.json');
  });

  it('a model.json that is not JSON', () => {
    const bad = brokenModel('bad-json', (d) => writeFileSync(join(d, 'model.json'), '{"format": "layers-model", '));
    failingSolve({ model: bad }, 'bad-json/model.json');
  });

  it('a model whose weight file is missing', () => {
    const bad = brokenModel('no-weights', (d) => writeFileSync(join(d, 'model.json'), readFileSync(join(d, 'model.json'), 'utf8').replace('weights.bin', 'gone.bin')));
    failingSolve({ model: bad }, 'gone.bin');
  });

  it('a model whose weight file is truncated', () => {
    const bad = brokenModel('short-weights', (d) => writeFileSync(join(d, 'weights.bin'), readFileSync(join(d, 'weights.bin')).subarray(0, 100)));
    failingSolve({ model: bad }, 'short-weights/model.json');
  });

  it('a model with an unsupported layer', () => {
    const bad = brokenModel('conv', (d) => writeFileSync(join(d, 'model.json'), readFileSync(join(d, 'model.json'), 'utf8').replace('"class_name":"Dense"', '"class_name":"Conv2D"')));
    expect(failingSolve({ model: bad }, 'conv/model.json')).toContain('Conv2D');
  });

  it('NaN in the observation', () => {
    const values = Array.from(generator.forward([0.1, 0.2, 0.3, 0.4]));
    values[5] = NaN;
    const bad = writeNpy(tmp.path('nan.npy'), values);
    expect(failingSolve({ observation: bad }, 'nan.npy')).toContain('index 5');
  });

  it('an observation of the wrong length', () => {
    const bad = writeNpy(tmp.path('short.npy'), new Float64Array(63));
    expect(failingSolve({ observation: bad }, 'short.npy')).toContain('64');
  });

  it('an observation that is not a valid .npy or JSON file', () => {
    writeFileSync(tmp.path('junk.npy'), 'not numpy');
    failingSolve({ observation: tmp.path('junk.npy') }, 'junk.npy');
    const bad = writeJson(tmp.path('strings.json'), ['a', 1]);
    failingSolve({ observation: bad }, 'strings.json');
  });

  it('a missing observation file', () => {
    failingSolve({ observation: tmp.path('absent.npy') }, 'absent.npy');
  });

  it('a mask of the wrong length', () => {
    const mask = writeNpy(tmp.path('mask60.npy'), new Float64Array(60).fill(1));
    expect(failingSolve({ measurement: `mask:${mask}` }, 'mask60.npy')).toContain('64');
  });

  it('a mask with values other than 0 and 1', () => {
    const mask = writeNpy(tmp.path('mask2.npy'), new Float64Array(64).fill(2));
    failingSolve({ measurement: `mask:${mask}` }, 'mask2.npy');
  });

  it('a measurement matrix with the wrong number of columns', () => {
    const A = writeNpy(tmp.path('A.npy'), new Float64Array(10 * 63).fill(0.1), [10, 63]);
    failingSolve({ measurement: `matrix:${A}` }, 'A.npy');
  });

  it('an unknown measurement spec', () => {
    failingSolve({ measurement: 'fourier:3' }, "'fourier:3'");
  });

  it('an unknown solver', () => {
    expect(failingSolve({ solver: 'magic' }, "'magic'")).toContain('test-gd');
  });

  it('a missing --solver', () => {
    failingSolve({ solver: null }, '--solver');
  });

  it('an unknown option', () => {
    expect(failingSolve({}, "'--learning-speed'", ['--learning-speed', '3'])).toContain('--max-iterations');
  });

  it('an option value of the wrong type or out of range', () => {
    failingSolve({}, '--max-iterations', ['--max-iterations', 'many']);
    failingSolve({}, '--max-iterations', ['--max-iterations', '2.5']);
    failingSolve({}, '--step', ['--step', '-1']);
    failingSolve({}, '--schedule', ['--schedule', 'wild']);
  });

  it('a negative --noise-level', () => {
    failingSolve({ 'noise-level': '-0.1' }, '--noise-level');
  });

  it('a vector option file of the wrong length', () => {
    const init = writeJson(tmp.path('init3.json'), [1, 2, 3]);
    failingSolve({}, 'init', ['--init', init]);
  });

  it('--png for outputs that are not a square image', () => {
    const odd = writeGenerator(Generator.random([3, 12, 60], { seed: 2 }), tmp.path('odd'));
    const y60 = writeNpy(tmp.path('y60.npy'), new Float64Array(60));
    failingSolve({ model: odd, observation: y60 }, '--png');
  });
});

describe('the command line itself', () => {
  it('an unknown command', () => {
    expectOneLineError(runCli(['frobnicate']), "'frobnicate'");
  });

  it('an unknown flag on a command without solver options', () => {
    expectOneLineError(runCli(['list', '--verbose']), "'--verbose'");
  });

  it('experiment flags out of range', () => {
    expectOneLineError(runCli(['experiment', 'timing', '--trials', '0']), '--trials');
    expectOneLineError(runCli(['experiment']), 'lp-success-vs-k');
  });

  it('info on a missing file', () => {
    expectOneLineError(runCli(['info', tmp.path('missing.json')]), 'missing.json');
  });

  it.each(['list', 'info', 'solve', 'demo', 'bench', 'train', 'experiment'])('%s --help prints usage and exits 0', (cmd) => {
    const run = runCli([cmd, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: inv ${cmd}`));
    expect(run.stderr).toBe('');
  });
});
