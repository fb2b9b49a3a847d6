import { mergeConfig } from 'vitest/config';
import { vitestPreset } from '../vitest.preset';

/**
 * The slow ship checks (`pnpm test:ship`, run by CI after `pnpm test`): packed tarballs installed with
 * plain npm, the global CLI, and an esbuild browser bundle in Chromium. One file at a time (2 cores).
 */
export default mergeConfig(vitestPreset('ship', { testTimeout: 300_000 }), {
  test: { root: import.meta.dirname, globalSetup: ['./setup.ts'], fileParallelism: false, hookTimeout: 300_000 },
});
