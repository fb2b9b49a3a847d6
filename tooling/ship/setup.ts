/** Packs the workspace once and serves it as an npm registry for every ship test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packAll, serveRegistry, type Packed } from './registry';

declare module 'vitest' {
  export interface ProvidedContext {
    ship: { workDir: string; npmrc: string; emptyRegistry: string; packed: Packed[] };
  }
}

export default async function setup(project: TestProject) {
  const workDir = mkdtempSync(join(tmpdir(), 'inv-ship-'));
  const packed = packAll(join(workDir, 'tarballs'));
  const registry = await serveRegistry(packed, join(workDir, 'registry'));
  project.provide('ship', { workDir, npmrc: registry.npmrc, emptyRegistry: registry.empty, packed });
  return async () => {
    await registry.close();
    rmSync(workDir, { recursive: true, force: true });
  };
}
