// Benchmark (not a test): wall time of an experiment run locally (`--workers W`) against the same run
// through the queue with W `inv worker --concurrency 1` processes on a throwaway redis-server, on this
// machine. Build first (pnpm install builds everything).
//   node tooling/queue-experiment-bench.mjs [--experiment lp-success-vs-k] [--trials 200] [--workers 2]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../packages/queue/dist/server.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
};
const experiment = arg('experiment', 'lp-success-vs-k');
const trials = arg('trials', '200');
const W = Number(arg('workers', '2'));
const bin = fileURLToPath(new URL('../apps/cli/dist/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'inv-queue-bench-'));

function timed(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`inv ${args.join(' ')} exited with ${r.status}`);
  return (performance.now() - t) / 1000;
}

/** The CSV without columns that measure time (they differ between any two runs). */
function untimed(out) {
  const rows = readFileSync(join(out, `${experiment}.csv`), 'utf8').trim().split('\n').map((l) => l.split(','));
  const keep = rows[0].map((c, i) => (c.includes('time') ? -1 : i)).filter((i) => i >= 0);
  return rows.map((r) => keep.map((i) => r[i]).join(',')).join('\n');
}

const redis = await startRedisServer();
const workers = Array.from({ length: W }, () => spawn(process.execPath, [bin, 'worker', '--redis', redis.url, '--concurrency', '1'], { stdio: 'ignore' }));
try {
  const local = timed(['experiment', experiment, '--trials', trials, '--workers', String(W), '--out', join(dir, 'local'), '--json']);
  const queued = timed(['experiment', experiment, '--trials', trials, '--redis', redis.url, '--out', join(dir, 'queue'), '--json']);
  console.log(`${experiment} --trials ${trials}: local with ${W} worker threads ${local.toFixed(1)} s; queue with ${W} worker processes ${queued.toFixed(1)} s`);
  console.log(`CSV identical apart from time columns: ${untimed(join(dir, 'local')) === untimed(join(dir, 'queue'))}`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.once('exit', r) : r()))));
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
