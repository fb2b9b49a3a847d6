/**
 * What `pnpm release` ends with (`changeset publish`, i.e. `pnpm publish -r`), as a dry run against a
 * registry where nothing is published yet: every public package is packed and would go out, with
 * only its dist (and assets).
 */
import { expect, inject, it } from 'vitest';
import { repoRoot, run } from '../registry';

it('pnpm publish --dry-run -r would publish every public package', async () => {
  const { emptyRegistry, packed } = inject('ship');
  const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['npx', '-y', 'pnpm@10.34.8'];
  const r = await run(pnpm[0], [...pnpm.slice(1), 'publish', '--dry-run', '-r', '--no-git-checks', '--registry', emptyRegistry], { cwd: repoRoot });
  const output = r.stdout + r.stderr;
  expect(r.code, output.slice(-2000)).toBe(0);
  for (const p of packed) expect(output).toContain(`📦  ${p.name}@${p.version}`);
  expect(output).not.toContain('@inv/web-bench@');
  const contents = [...output.matchAll(/npm notice [\d.]+[kMG]?B (\S+)/g)].map((m) => m[1]);
  expect(contents.length).toBeGreaterThan(packed.length * 3);
  for (const f of contents) expect(f).toMatch(/^(dist\/|assets\/|README\.md$|LICENSE$|package\.json$)/);
});
