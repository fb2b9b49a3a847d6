/**
 * The option tables in the READMEs are what tooling/option-tables.mjs writes from `inv list --json`:
 * a table edited by hand, or a schema changed without regenerating, fails here.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers.js';

const repo = resolve(BIN, '..', '..', '..', '..');
const script = join(repo, 'tooling', 'option-tables.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'inv-option-tables-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });

describe('README option tables', () => {
  it('match inv list --json in every README', () => {
    const r = run('--check');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a table that differs from the schema fails the check, and the script rewrites it', () => {
    const original = join(repo, 'packages', 'plugin', 'README.md');
    const copy = join(tmp, 'README.md');
    copyFileSync(original, copy);
    const text = readFileSync(copy, 'utf8');
    const edited = text.replace(/\| `theta` \| number > 0 \| `0\.5` \|/, '| `theta` | number > 0 | `0.75` |');
    expect(edited).not.toBe(text);
    writeFileSync(copy, edited);

    const check = run('--check', copy);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('option tables differ from inv list --json in README.md');
    expect(readFileSync(copy, 'utf8')).toBe(edited);

    expect(run(copy).status).toBe(0);
    expect(readFileSync(copy, 'utf8')).toBe(text);
  });

  it('a table naming a solver that is not registered is a one-line error', () => {
    const copy = join(tmp, 'unknown.md');
    writeFileSync(copy, '# x\n\n<!-- options: nope -->\n<!-- /options -->\n');
    const r = run('--check', copy);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("unknown.md: no registered solver 'nope'");
  });
});
