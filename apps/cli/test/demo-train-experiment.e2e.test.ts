import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGenerator } from '@inv/core/node';
import { expectOneLineError, runCli, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  expect(Array.from(b.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('inv demo on the shipped MNIST decoder and held-out digits', () => {
  it('runs every registered solver on every task it supports, with errors below the trivial zero estimate, and writes the grids', () => {
    const out = join(tmp.dir, 'demo');
    const run = runCli(['demo', '--digits', '2', '--out', out, '--json'], { plugins: false, timeoutMs: 170_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const demo = JSON.parse(run.stdout);
    expect(demo.tasks.map((t: { name: string }) => t.name)).toEqual(['denoise', 'inpaint', 'compressed']);
    for (const task of ['denoise', 'inpaint', 'compressed']) {
      const solvers = demo.rows.filter((r: { task: string }) => r.task === task).map((r: { solver: string }) => r.solver);
      for (const s of ['gd', 'lp-linf', 'plugin']) expect(solvers).toContain(s);
    }
    for (const r of demo.rows) {
      // The zero image has relative error 1; a reconstruction from the prior must do better.
      expect(r.relativeError).toBeLessThan(1);
      expect(r.psnr).toBeGreaterThan(8);
    }
    // The observation's own PSNR is the baseline a prior must beat (denoising at σ = 0.3: about 10 dB).
    const base = (task: string) => demo.baselines.find((b: { task: string }) => b.task === task);
    expect(base('denoise').psnr).toBeGreaterThan(9);
    expect(base('denoise').psnr).toBeLessThan(11.5);
    expect(base('compressed')).toBeUndefined(); // 200 numbers are not a picture
    const gd = (task: string) => demo.rows.find((r: { task: string; solver: string }) => r.task === task && r.solver === 'gd');
    for (const task of ['denoise', 'inpaint']) expect(gd(task).psnr).toBeGreaterThan(base(task).psnr + 3);
    for (const r of demo.rows) expect(r.successes === 0 || r.status.includes('converged')).toBe(true);
    // 2 digits per row, 28 px + 2 px gaps, drawn at 2x: rows = original (+ observed) + one per solver,
    // below a 9 px strip of column labels and right of a strip of row labels.
    const perTask = (task: string) => demo.rows.filter((r: { task: string }) => r.task === task).length;
    const [width, height] = pngSize(join(out, 'denoise.png'));
    expect(height).toBe(2 * ((2 + perTask('denoise')) * 28 + (3 + perTask('denoise')) * 2 + 9));
    expect(width).toBeGreaterThan(2 * (2 * 28 + 3 * 2) + 2 * 40);
    expect(pngSize(join(out, 'compressed.png'))[1]).toBe(2 * ((1 + perTask('compressed')) * 28 + (2 + perTask('compressed')) * 2 + 9));
  });

  it('rejects a model that does not output 28×28 digits, writing nothing', () => {
    const out = join(tmp.dir, 'demo-bad');
    expectOneLineError(runCli(['demo', '--model', join(__dirname, 'fixtures', 'missing.json'), '--out', out]), 'missing.json');
    expect(existsSync(out)).toBe(false);
  });
});

describe('inv train', () => {
  it('trains a tiny decoder and writes a model that reads back with the right widths', () => {
    const out = join(tmp.dir, 'trained');
    const run = runCli(['train', '--epochs', '1', '--digits', '200', '--batch-size', '50', '--out', out, '--json'], { plugins: false });
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    expect(summary.finalLoss).toBeGreaterThan(0);
    expect(readGenerator(summary.path).widths).toEqual([20, 60, 784]);
  });

  it('rejects an unknown model name', () => {
    expectOneLineError(runCli(['train', '--model', '10-10', '--out', join(tmp.dir, 'x')]), '--model');
    expect(existsSync(join(tmp.dir, 'x'))).toBe(false);
  });
});

describe('inv experiment', () => {
  const readCsv = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(','));

  it('negation-check: the check never loses a trial, writes CSV, SVG and summary, and does not depend on the worker count', () => {
    const csvs: string[] = [];
    for (const workers of ['2', '0']) {
      const out = join(tmp.dir, `exp-${workers}`);
      const run = runCli(['experiment', 'negation-check', '--trials', '4', '--workers', workers, '--out', out, '--json'], { plugins: false });
      expect(run.code).toBe(0);
      const csv = readCsv(join(out, 'negation-check.csv'));
      expect(csv[0]).toEqual(['net', 'negation_check', 'trials', 'successes', 'success_rate', 'verdict_success_rate', 'false_successes', 'median_error']);
      expect(csv).toHaveLength(7);
      for (const net of ['1-100-500', '2-100-500', '2-50-300-1000']) {
        const on = csv.find((r) => r[0] === net && r[1] === 'on')!;
        const off = csv.find((r) => r[0] === net && r[1] === 'off')!;
        expect(Number(on[3])).toBeGreaterThanOrEqual(Number(off[3]));
        expect(Number(on[3])).toBe(4);
        // The verdict never calls a solve that missed z* a success here (these nets are injective).
        expect([on[6], off[6]]).toEqual(['0', '0']);
        expect(Number(on[5])).toBeLessThanOrEqual(1);
      }
      expect(readFileSync(join(out, 'negation-check.svg'), 'utf8')).toMatch(/^<svg [^>]*>/);
      expect(readFileSync(join(out, 'negation-check.md'), 'utf8')).toContain('# negation-check');
      csvs.push(readCsv(join(out, 'negation-check.csv')).map((r) => r.slice(0, 5).join(',')).join('\n'));
    }
    expect(csvs[0]).toBe(csvs[1]);
  });

  it('rejects an unknown experiment with the list of known ones', () => {
    expect(expectOneLineError(runCli(['experiment', 'fig-9', '--out', join(tmp.dir, 'none')]), "'fig-9'")).toContain('lp-success-vs-k');
    expect(existsSync(join(tmp.dir, 'none'))).toBe(false);
  });
});

describe('inv bench', () => {
  it("runs a package's ./bench suite and prints its rows as JSON", () => {
    const run = runCli(['bench', '--quick', '--suite', 'compressed', '--json'], { plugins: false });
    expect(run.code).toBe(0);
    const { rows, skipped } = JSON.parse(run.stdout);
    expect(skipped).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.suite).toBe('compressed');
      expect(r.items).toBeGreaterThan(0);
      expect(r.perItemMs).toBeCloseTo(r.timeMs / r.items, 9);
    }
  });

  it('rejects a suite that matches no package', () => {
    expectOneLineError(runCli(['bench', '--suite', 'nothing-here']), "'nothing-here'");
  });
});
