#!/usr/bin/env node
// Sums the vitest JSON reports in a folder into one plain `N passed, N failed` line (the CI harness
// does not read vitest's own summary). Exits 1 on any failure, on a failed suite, or when nothing ran.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: ci-summary.mjs <report-dir>');
  process.exit(2);
}
let passed = 0, failed = 0, skipped = 0, failedSuites = 0;
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
for (const f of files) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  failedSuites += r.numFailedTestSuites ?? 0;
  for (const suite of r.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) console.log(`suite failed to run: ${suite.name}: ${String(suite.message ?? '').split('\n')[0]}`);
    for (const t of suite.assertionResults ?? []) if (t.status === 'failed') console.log(`FAILED ${f.replace(/\.json$/, '')} › ${t.fullName}`);
  }
}
console.log(`${files.length} packages reported`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || failedSuites > 0 || passed === 0 ? 1 : 0);
