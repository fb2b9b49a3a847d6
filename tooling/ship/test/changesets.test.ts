/**
 * `changeset version` on a copy of the repository with every pending changeset: the first changelogs
 * have one entry per change and at most one "Updated dependencies" line, and every public package
 * moves to the same version (a peer on @inv/core must not turn a minor release into 1.0.0).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, expect, inject, it } from 'vitest';
import { repoRoot, workspacePackages } from '../registry';

const copy = join(inject('ship').workDir, 'changesets');
const published = workspacePackages().filter((p) => !p.manifest.private);
const changesets = readdirSync(join(repoRoot, '.changeset'))
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .map((f) => {
    const [, front, body] = readFileSync(join(repoRoot, '.changeset', f), 'utf8').match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/)!;
    return { file: f, packages: [...front.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:/gm)].map((m) => m[1]), firstLine: body.trim().split('\n')[0] };
  });

beforeAll(() => {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(repoRoot, f))) continue;
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(join(repoRoot, f), join(copy, f));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=ship', '-c', 'user.email=ship@localhost', ...args], { cwd: copy, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'copy');
  execFileSync(process.execPath, [join(repoRoot, 'node_modules/@changesets/cli/bin.js'), 'version'], { cwd: copy, stdio: 'pipe' });
});

it('has changesets to release', () => {
  expect(changesets.length).toBeGreaterThan(0);
});

it('moves every public package to one version below 1.0.0', () => {
  const versions = new Set(published.map((p) => JSON.parse(readFileSync(join(copy, p.dir, 'package.json'), 'utf8')).version));
  expect(versions.size).toBe(1);
  expect([...versions][0]).toMatch(/^0\.[1-9]\d*\.\d+$/);
});

it('writes one entry per change and at most one dependency line per changelog', () => {
  for (const p of published) {
    const log = readFileSync(join(copy, p.dir, 'CHANGELOG.md'), 'utf8');
    expect(log.match(/Updated dependencies/g)?.length ?? 0, p.dir).toBeLessThanOrEqual(1);
    for (const c of changesets.filter((c) => c.packages.includes(p.manifest.name))) {
      expect(log.split(`- ${c.firstLine}`).length - 1, `${c.file} in ${p.dir}`).toBe(1);
    }
    const entries = log.split('\n').filter((l) => l.startsWith('- '));
    expect(new Set(entries).size, p.dir).toBe(entries.length);
  }
});
