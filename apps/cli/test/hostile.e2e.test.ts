// Hostile input to `inv solve` (issue "Safe files in, safe files out"). Every case runs in a temporary
// folder this file creates; devices are reached only through symlinks planted there, and only read.
// Each failure must be one line on stderr, a non-zero exit, no output file, and a child whose peak
// memory stays under RSS_CEILING (measured by the child itself: test/fixtures/max-rss.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, expectOneLineError, runCli, tempDir, tinyModel, writeNpy, type RunOptions } from './helpers.js';

/** Peak RSS allowed for any hostile case, in MiB: a failing `inv solve` peaks at 80–95 MiB on the build machine. */
const RSS_CEILING_MIB = 200;
const PRELOAD = resolve(__dirname, 'fixtures', 'max-rss.mjs');

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const { generator, path: model } = tinyModel(tmp.dir, 'tfjs');
const y = writeNpy(tmp.path('y.npy'), generator.forward([0.5, -0.3, 0.8, 0.2]));
const outDir = tmp.path('out');
const out = join(outDir, 'result.json');
let runs = 0;

/** Runs `inv solve` with overrides; returns the run and the child's peak RSS in MiB. */
function solveRun(overrides: Record<string, string | null>, options: RunOptions = {}): ReturnType<typeof runCli> & { rssMiB: number } {
  const rssFile = tmp.path(`rss-${runs++}.txt`);
  const flags: Record<string, string | null> = { model, observation: y, solver: 'test-gd', out, ...overrides };
  const argv = ['solve', ...Object.entries(flags).flatMap(([k, v]) => (v === null ? [] : [`--${k}`, v]))];
  const run = runCli(argv, { timeoutMs: 60_000, ...options, nodeArgs: ['--import', PRELOAD], env: { ...options.env, INV_TEST_RSS_FILE: rssFile } });
  return { ...run, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

/** The failure contract of the issue, including the memory ceiling and that nothing was written. */
function refused(overrides: Record<string, string | null>, needle: string, options: RunOptions = {}): string {
  const run = solveRun(overrides, options);
  const line = expectOneLineError(run, needle);
  expect(run.rssMiB, line).toBeLessThan(RSS_CEILING_MIB);
  expect(readdirSync(tmp.dir).filter((f) => f === 'out')).toEqual([]);
  return line;
}

/** A copy of the model's folder with model.json edited. */
function modelCopy(name: string, edit: (json: any, folder: string) => void): string {
  const folder = tmp.path(name);
  mkdirSync(folder);
  writeFileSync(join(folder, 'weights.bin'), readFileSync(join(model, '..', 'weights.bin')));
  const json = JSON.parse(readFileSync(model, 'utf8'));
  edit(json, folder);
  const path = join(folder, 'model.json');
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

const fifo = (path: string) => {
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  return path;
};

describe('inv solve refuses hostile reads with one line, no output and bounded memory', () => {
  it('an observation that is a device (a symlink to /dev/zero), a FIFO, or a sparse 3 GB file', () => {
    symlinkSync('/dev/zero', tmp.path('zero.npy'));
    expect(refused({ observation: tmp.path('zero.npy') }, 'zero.npy')).toContain('a device, expected a regular file');
    expect(refused({ observation: fifo(tmp.path('pipe.npy')) }, 'pipe.npy')).toContain('a FIFO, expected a regular file');
    writeFileSync(tmp.path('sparse.npy'), '');
    truncateSync(tmp.path('sparse.npy'), 3 * 1024 ** 3);
    expect(refused({ observation: tmp.path('sparse.npy') }, 'sparse.npy')).toContain('3221225472 bytes, larger than the limit');
  });

  it('standard input that never ends (/dev/zero) is read only up to the limit', () => {
    const fd = openSync('/dev/zero', 'r');
    try {
      const line = refused({ observation: '-' }, 'standard input', { stdin: fd, env: { INV_MAX_ARRAY_BYTES: String(4 * 1024 * 1024) } });
      expect(line).toContain('larger than the limit of 4194304 bytes (INV_MAX_ARRAY_BYTES)');
    } finally {
      closeSync(fd);
    }
  });

  it('weight paths that leave the model folder: relative, absolute, and a symlink to /dev/zero', () => {
    writeFileSync(tmp.path('other.bin'), readFileSync(join(model, '..', 'weights.bin')));
    const up = modelCopy('escape-up', (j) => (j.weightsManifest[0].paths = ['../other.bin']));
    expect(refused({ model: up }, 'escape-up/model.json')).toContain("weight file '../other.bin' is outside the model's folder");
    const abs = modelCopy('escape-abs', (j) => (j.weightsManifest[0].paths = ['/etc/passwd']));
    const line = refused({ model: abs }, 'escape-abs/model.json');
    expect(line).toContain('must be a relative path');
    expect(line).not.toMatch(/\d+ bytes/);
    const zero = modelCopy('escape-link', (j, folder) => {
      j.weightsManifest[0].paths = ['zero.bin'];
      symlinkSync('/dev/zero', join(folder, 'zero.bin'));
    });
    expect(refused({ model: zero }, 'escape-link/model.json')).toContain("'zero.bin' is outside the model's folder");
  });

  it('a manifest that lists its shard 2,000 times, or repeats a weight name', () => {
    const many = modelCopy('many', (j) => (j.weightsManifest[0].paths = Array.from({ length: 2000 }, () => 'weights.bin')));
    expect(refused({ model: many }, 'many/model.json')).toContain('listed more than once');
    const dup = modelCopy('dup', (j) => (j.weightsManifest[0].weights[1].name = j.weightsManifest[0].weights[0].name));
    expect(refused({ model: dup }, 'dup/model.json')).toContain("weight 'dense_1/kernel' is listed more than once");
  });

  it('JSON nested 100,000 deep, and a 10,000-layer model', () => {
    const deep = modelCopy('deep', (j) => (j.modelTopology.config.name = 'DEEP'));
    writeFileSync(deep, readFileSync(deep, 'utf8').replace('"DEEP"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect(refused({ model: deep }, 'deep/model.json')).toContain('JSON nested more than 64 levels deep');
    const tall = modelCopy('tall', (j) => {
      for (let i = 0; i < 10_000; i++) j.modelTopology.config.layers.push({ class_name: 'Dropout', config: { name: `d${i}` } });
    });
    expect(refused({ model: tall }, 'tall/model.json')).toContain('more than the limit of 256');
  });

  it('a Gaussian measurement far larger than the observation is refused before it is built', () => {
    expect(refused({ measurement: 'gaussian:1000000000', solver: 'gd' }, 'gaussian:1000000000')).toContain('m = 1000000000, but the observation has length 64');
    expect(refused({ measurement: 'gaussian:1e12', solver: 'gd' }, 'gaussian:1e12')).toContain('m = 1000000000000');
  });
});

describe('inv solve refuses hostile outputs', () => {
  it('--out equal to an input: the observation, the model.json, the weights (through a hard link)', () => {
    const before = readFileSync(y);
    refused({ out: y }, "is one of this command's input files");
    expect(readFileSync(y)).toEqual(before);
    refused({ out: model }, "is one of this command's input files");
    linkSync(join(model, '..', 'weights.bin'), tmp.path('weights-alias.bin'));
    refused({ out: tmp.path('weights-alias.bin') }, "is one of this command's input files");
  });

  it('--out that is a symlink, a FIFO or a folder; an empty --out is a usage error', () => {
    writeFileSync(tmp.path('victim.txt'), 'precious');
    symlinkSync(tmp.path('victim.txt'), tmp.path('link.json'));
    refused({ out: tmp.path('link.json') }, 'cannot write over a symbolic link');
    expect(readlinkSync(tmp.path('link.json'))).toBe(tmp.path('victim.txt'));
    expect(readFileSync(tmp.path('victim.txt'), 'utf8')).toBe('precious');
    refused({ out: fifo(tmp.path('out-pipe')) }, 'cannot write over a FIFO');
    refused({ out: tmp.dir }, 'cannot write over a directory');
    const empty = solveRun({ out: '' });
    expectOneLineError(empty, '--out: expected a value, got an empty string');
    expect(empty.code).toBe(2);
  });

  it('a failing --png means no --out either', () => {
    mkdirSync(tmp.path('pngs'));
    mkdirSync(tmp.path('pngs/img-reconstruction.png'));
    refused({ png: tmp.path('pngs/img') }, 'img-reconstruction.png: cannot write over a directory');
    expect(readdirSync(tmp.path('pngs'))).toEqual(['img-reconstruction.png']);
  });

  it('removes the temporary file a killed run left behind, and writes the result', () => {
    const folder = tmp.path('killed');
    mkdirSync(folder);
    const dead = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
    const stale = `.r.json.inv-${dead}-0123456789abcdef.tmp`;
    writeFileSync(join(folder, stale), 'half a result');
    const run = solveRun({ out: join(folder, 'r.json') });
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(folder)).toEqual(['r.json']);
    expect(lstatSync(join(folder, 'r.json')).isFile()).toBe(true);
  });
});

describe('standard streams and Ctrl-C', () => {
  it('--observation - reads standard input and --out - writes the result JSON alone to stdout', () => {
    const run = runCli(['solve', '--model', model, '--observation', '-', '--solver', 'test-gd', '--out', '-'], { stdin: JSON.stringify(Array.from(generator.forward([0.5, -0.3, 0.8, 0.2]))) });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('converged');
    expect(result.latent.map((v: number) => Math.round(v * 1e6) / 1e6)).toEqual([0.5, -0.3, 0.8, 0.2]);
    expect(run.stderr).toContain('test-gd on'); // the human summary went to stderr
  });

  it('SIGINT prints one line saying what was interrupted and exits with 130', { timeout: 30_000 }, async () => {
    // Adam with a tiny rate never converges, so the solve runs until interrupted.
    const argv = ['solve', '--model', model, '--observation', y, '--solver', 'gd', '--optimizer', 'adam', '--learning-rate', '1e-9', '--max-iterations', '100000000', '--tol', '0', '--out', out];
    const child = spawn(process.execPath, [BIN, ...argv], { env: cliEnv({ plugins: false }) });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    // Wait until the solve is under way (the CLI has loaded its solvers and read its files), then interrupt.
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(/^inv: interrupted while (solving 1 problem with gd|running inv solve)/);
    expect(readdirSync(tmp.dir).filter((f) => f === 'out')).toEqual([]);
  });
});
