// Benchmark (not a test): wall time of an experiment run locally (`--workers W`) against the same run
// through the queue with W `inv worker --concurrency 1` processes on a throwaway redis-server, on this
// machine. Build first (pnpm install builds everything). It prints wall and CPU seconds: on a loaded
// machine only the CPU seconds compare the two (Linux: read from /proc; elsewhere CPU is not shown).
//   node tooling/queue-experiment-bench.mjs [--experiment lp-success-vs-k] [--trials 200] [--workers 2]
import { spawn } from 'node:child_process';
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

/** CPU seconds a live process has used (all its threads), or NaN where /proc is not there. */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in USER_HZ = 100 on Linux
  } catch {
    return NaN;
  }
}

/** Runs `inv args`, returning its wall seconds and its CPU seconds (sampled every 200 ms until it exits). */
function timed(args) {
  const t = performance.now();
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  let cpu = 0;
  const sample = setInterval(() => (cpu = cpuSeconds(child.pid) || cpu), 200);
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) reject(new Error(`inv ${args.join(' ')} exited with ${code}`));
      else resolve({ wall: (performance.now() - t) / 1000, cpu });
    }),
  );
}
const fmt = (x) => (Number.isNaN(x) ? '?' : x.toFixed(1));

/** The CSV without columns that measure time (they differ between any two runs). */
function untimed(out) {
  const rows = readFileSync(join(out, `${experiment}.csv`), 'utf8').trim().split('\n').map((l) => l.split(','));
  const keep = rows[0].map((c, i) => (c.includes('time') ? -1 : i)).filter((i) => i >= 0);
  return rows.map((r) => keep.map((i) => r[i]).join(',')).join('\n');
}

const redis = await startRedisServer();
const workers = Array.from({ length: W }, () => spawn(process.execPath, [bin, 'worker', '--redis', redis.url, '--concurrency', '1'], { stdio: 'ignore' }));
try {
  const local = await timed(['experiment', experiment, '--trials', trials, '--workers', String(W), '--out', join(dir, 'local'), '--json']);
  const queueCpu = () => [...workers.map((w) => w.pid), redis.process.pid].map(cpuSeconds);
  const before = queueCpu();
  const queued = await timed(['experiment', experiment, '--trials', trials, '--redis', redis.url, '--out', join(dir, 'queue'), '--json']);
  const used = queueCpu().map((c, i) => c - before[i]);
  const [workerCpu, redisCpu] = [used.slice(0, W).reduce((a, b) => a + b, 0), used[W]];
  console.log(`${experiment} --trials ${trials}: local with ${W} worker threads ${fmt(local.wall)} s wall, ${fmt(local.cpu)} s CPU`);
  console.log(`queue with ${W} worker processes ${fmt(queued.wall)} s wall, ${fmt(workerCpu + redisCpu + queued.cpu)} s CPU (workers ${fmt(workerCpu)}, redis ${fmt(redisCpu)}, enqueuing command ${fmt(queued.cpu)})`);
  console.log(`CSV identical apart from time columns: ${untimed(join(dir, 'local')) === untimed(join(dir, 'queue'))}`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.once('exit', r) : r()))));
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
