/**
 * What every package promises on the registry, checked over packages/* and apps/* (a new package
 * passes by having the same fields): licence, metadata, dist-only tarballs, ESM exports that
 * require() can load, peers on @inv/core, README install lines and absolute links.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { repoRoot, workspacePackages } from '../registry';

const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const repoUrl: string = root.repository.url;
const web = repoUrl.replace(/^git\+/, '').replace(/\.git$/, '');
const all = workspacePackages();
const published = all.filter((p) => !p.manifest.private);
/** Packages a library user installs next to @inv/core (everything in packages/ but core itself). */
const solvers = published.filter((p) => p.dir.startsWith('packages/') && p.manifest.name !== '@inv/core');
/** Installed only by those who want batches or training (optional peers), never a hard dependency of a library. */
const OPTIONAL = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', 'mnist'];

it('the root names one repository and one licence', () => {
  expect(repoUrl).toMatch(/^git\+https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/);
  expect(readFileSync(join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  expect(published.length).toBeGreaterThanOrEqual(7);
});

describe.each(all.map((p) => [p.dir, p] as const))('%s', (dir, { manifest }) => {
  it('ships the MIT licence text', () => {
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(repoRoot, dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
  });

  it.skipIf(manifest.private)('has full registry metadata', () => {
    expect(manifest.description?.length).toBeGreaterThan(20);
    expect(manifest.keywords?.length).toBeGreaterThan(0);
    expect(manifest.repository).toEqual({ type: 'git', url: repoUrl, directory: dir });
    expect(manifest.homepage).toBe(`${web}/tree/main/${dir}#readme`);
    expect(manifest.bugs).toEqual({ url: `${web}/issues` });
    expect(manifest.engines).toEqual(root.engines);
    expect(manifest.type).toBe('module');
    expect(manifest.publishConfig).toEqual({ access: 'public' });
  });

  it.skipIf(manifest.private)('publishes only dist (and assets)', () => {
    expect(manifest.files).toContain('dist');
    for (const f of manifest.files) expect(['dist', 'assets']).toContain(f);
  });

  it.skipIf(manifest.private || !manifest.exports)('exports every entry under "default", so require() works on Node >= 20.19', () => {
    for (const [subpath, target] of Object.entries<Record<string, string>>(manifest.exports ?? {})) {
      expect(Object.keys(target), subpath).toEqual(['types', 'default']);
      expect(existsSync(join(repoRoot, dir, target.default)), `${subpath} → ${target.default} (built?)`).toBe(true);
    }
  });

  it.skipIf(manifest.private)('has a README with an install line, an ESM note and only absolute links', () => {
    const readme = readFileSync(join(repoRoot, dir, 'README.md'), 'utf8');
    expect(readme).toMatch(new RegExp(`npm i (-g )?(@inv/[\\w-]+ )*${manifest.name}( |$)`, 'm'));
    expect(readme).toMatch(/ESM|ES module/);
    const targets = [...readme.matchAll(/\]\(([^)\s]+)/g)].map((m) => m[1]);
    for (const t of targets) expect(t, `link in ${dir}/README.md`).toMatch(/^(https:\/\/|#)/);
    for (const t of targets.filter((u) => u.startsWith('https://github.com/'))) expect(t.startsWith(`${web}/`), t).toBe(true);
  });
});

describe.each(solvers.map((p) => [p.manifest.name, p.manifest] as const))('%s', (_name, manifest) => {
  it('takes @inv/core as a peer (one registry for every solver), not as its own dependency', () => {
    // ^0 (any 0.x core): packages are released together at one version (.changeset/config.json `fixed`),
    // and a tighter peer range would make changesets turn every minor release of core into a major one.
    expect(manifest.peerDependencies?.['@inv/core']).toBe('workspace:^0');
    expect(manifest.dependencies?.['@inv/core']).toBeUndefined();
  });
});

describe.each(published.filter((p) => p.dir.startsWith('packages/')).map((p) => [p.manifest.name, p.manifest] as const))('%s', (_name, manifest) => {
  it('installs no tfjs and no mnist unless asked (optional peers only)', () => {
    for (const dep of OPTIONAL) expect(manifest.dependencies?.[dep], dep).toBeUndefined();
    for (const [dep, meta] of Object.entries<{ optional?: boolean }>(manifest.peerDependenciesMeta ?? {})) {
      if (OPTIONAL.includes(dep)) expect(meta.optional, dep).toBe(true);
    }
  });
});

it('tarballs hold dist, assets, README, LICENSE and package.json only, with workspace ranges resolved', () => {
  const { packed } = inject('ship');
  expect(packed.map((p) => p.name).sort()).toEqual(published.map((p) => p.manifest.name).sort());
  for (const p of packed) {
    for (const f of p.files) expect(f, p.name).toMatch(/^(dist\/|assets\/|README\.md$|LICENSE$|package\.json$)/);
    expect(p.files).toContain('LICENSE');
    expect(JSON.stringify(p.manifest)).not.toContain('workspace:');
  }
});
