// The one benchmark runner (tooling/bench/run.mjs), run as a package's `pnpm bench` is: from the package's
// folder, on a bench entry that follows core's BenchModule contract. The folder's @inv/core is a stand-in
// (rows as JSON, a fixed python), so the test checks the runner alone and starts in milliseconds.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const runner = resolve(__dirname, '../../../tooling/bench/run.mjs');
const dir = mkdtempSync(join(tmpdir(), 'inv-bench-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (path: string, text: string) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};
write('package.json', '{ "name": "toy-bench", "type": "module" }');
write('node_modules/@inv/core/package.json', '{ "name": "@inv/core", "type": "module", "exports": { ".": "./index.js", "./node": "./node.js" } }');
write('node_modules/@inv/core/index.js', 'export const formatBenchTable = (rows) => JSON.stringify(rows);');
write('node_modules/@inv/core/node.js', "export const findPython = (modules) => (modules.includes('missing') ? undefined : 'python-with-' + modules.join('+'));");
// Its one row says which options it got, so the printed rows show what the runner passed.
const entry = (python: string) => `export const benchFlags = { only: 'onlyOne' };
${python}
export async function runBenchmarks(o) {
  o.log('toy: running');
  return [{ suite: 'toy', impl: 'inv', quick: o.quick, only: o.onlyOne ?? null, python: o.python ?? null }];
}
`;
write('dist/bench.js', entry("export const benchPython = ['numpy'];"));
write('src/bench.js', entry("export const benchPython = ['missing'];"));

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [runner, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, INV_BENCH_QUICK: '', ...env } });

const rows = (r: { stdout: string }) => JSON.parse(r.stdout);

describe('tooling/bench/run.mjs', () => {
  it("prints the entry's rows, passing --quick, the entry's own switches and a python with its benchPython", () => {
    const r = run(['--', '--quick', '--only']);
    expect(r.status).toBe(0);
    expect(rows(r)).toEqual([{ suite: 'toy', impl: 'inv', quick: true, only: true, python: 'python-with-numpy' }]);
    expect(r.stderr).toContain('toy: running');
  });

  it('takes INV_BENCH_QUICK=1 as --quick and leaves unset switches unset', () => {
    expect(rows(run([], { INV_BENCH_QUICK: '1' }))[0]).toMatchObject({ quick: true, only: null });
    expect(rows(run([]))[0].quick).toBe(false);
  });

  it('runs another entry, and says when no python has the modules its reference rows need', () => {
    const r = run(['--entry', 'src/bench.js']);
    expect(rows(r)[0].python).toBeNull();
    expect(r.stderr).toContain('bench: no python3 with missing: the reference rows are skipped');
  });

  it('refuses an unknown argument in one line naming the known ones (exit 2)', () => {
    const r = run(['--cvxopt']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("bench: unknown argument '--cvxopt' (known: --quick, --only)");
    expect(r.stdout).toBe('');
  });
});
