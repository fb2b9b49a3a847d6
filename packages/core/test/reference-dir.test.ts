/**
 * The Python reference scripts are found only inside the repository: an installed copy of @inv/core
 * (node_modules/@inv/core/dist) has no tooling/reference, and must not look for one in node_modules.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { referenceDir, referenceScript } from '../src/node.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'inv-reference-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

it('finds tooling/reference from the repository', () => {
  expect(referenceDir()).toBe(join(repo, 'tooling', 'reference'));
  expect(existsSync(referenceScript('plugin.py'))).toBe(true);
});

it.skipIf(!existsSync(join(dist, 'node.js')))('finds nothing from an installed copy, even next to a folder named tooling', async () => {
  const installed = join(temp, 'node_modules', '@inv', 'core');
  cpSync(dist, join(installed, 'dist'), { recursive: true });
  writeFileSync(join(installed, 'package.json'), '{"name":"@inv/core","type":"module"}');
  // A package called `tooling` three levels up must not be taken for the repository's scripts.
  mkdirSync(join(temp, 'node_modules', 'tooling', 'reference'), { recursive: true });
  writeFileSync(join(temp, 'node_modules', 'tooling', 'reference', 'plugin.py'), 'raise SystemExit(1)\n');
  const copy = (await import(pathToFileURL(join(installed, 'dist', 'node.js')).href)) as typeof import('../src/node.js');
  expect(copy.referenceDir()).toBeUndefined();
  expect(() => copy.referenceScript('plugin.py')).toThrow("plugin.py: the reference scripts are in the repository's tooling/reference, not in the installed packages");
});
