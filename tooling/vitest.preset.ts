import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings. When INV_REPORT_DIR is set (by .ci/run), every package also writes a JSON
 * report there so that CI can print one `N passed, N failed` line for the whole workspace.
 */
export function vitestPreset(name: string, overrides: { testTimeout?: number } = {}) {
  const reportDir = process.env.INV_REPORT_DIR;
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 60_000,
      hookTimeout: 60_000,
      reporters: reportDir ? ['default', 'json'] : ['default'],
      outputFile: reportDir ? { json: `${reportDir}/${name.replace(/[^a-z0-9-]/gi, '_')}.json` } : undefined,
    },
  });
}
