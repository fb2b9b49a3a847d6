// `pnpm bench` (not a test): throughput of inv's BullMQ queue on this machine. N tiny jobs, each a
// 20-60-784 decode G(z) returning 784 numbers, through a throwaway redis-server on 127.0.0.1 and W worker
// processes, against the same decodes done in one local loop. Build first (pnpm turbo run build --filter=@inv/queue...).
//   node bench/run.mjs [--jobs 10000] [--workers 2] [--concurrency 1]
import { spawn } from 'node:child_process';
import { gaussianVector, Rng } from '@inv/core';
import { mnistGenerator } from '@inv/models/node';
import { runJobs } from '../dist/index.js';
import { startRedisServer } from '../dist/server.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : Number(process.argv[i + 1]);
};
const N = arg('jobs', 10_000);
const W = arg('workers', 2);
const C = arg('concurrency', 1);

const g = mnistGenerator('20-60-784');
const latents = Array.from({ length: N }, (_, i) => Array.from(gaussianVector(new Rng(i), 20)));

let t = performance.now();
const local = latents.map((z) => Array.from(g.forward(z)));
const localMs = performance.now() - t;

const redis = await startRedisServer();
const workers = Array.from({ length: W }, () => spawn(process.execPath, [new URL('./decode-worker.mjs', import.meta.url).pathname, redis.url, 'bench', String(C)], { stdio: 'inherit' }));
try {
  // Warm-up: the workers connect and load the decoder before the clock starts.
  await runJobs([{ kind: 'decode', payload: { z: new Array(20).fill(0) } }], { url: redis.url, queue: 'bench' });
  t = performance.now();
  const report = await runJobs(latents.map((z) => ({ kind: 'decode', payload: { z } })), { url: redis.url, queue: 'bench' });
  const queueMs = performance.now() - t;
  if (report.failures.length) throw new Error(`${report.failures.length} jobs failed: ${report.failures[0].reason}`);
  const same = report.results.every((r, i) => r.length === 784 && r.every((v, j) => v === local[i][j]));
  t = performance.now();
  const again = await runJobs(latents.map((z) => ({ kind: 'decode', payload: { z } })), { url: redis.url, queue: 'bench' });
  const reusedMs = performance.now() - t;
  const row = (label, ms) => console.log(`${label.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(8)} s  ${((N / ms) * 1000).toFixed(0).padStart(7)} jobs/s  ${((ms / N) * 1000).toFixed(0).padStart(6)} µs/job`);
  console.log(`${N} decode jobs (20-60-784, 784 numbers back each), ${W} worker processes × concurrency ${C}`);
  row('local loop, one thread', localMs);
  row('queue: enqueue, run, gather', queueMs);
  row(`queue rerun: all ${again.reused} reused`, reusedMs);
  console.log(`overhead per job (queue − local) ${(((queueMs - localMs) / N) * 1000).toFixed(0)} µs; results identical to local: ${same}`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode === null ? w.once('exit', r) : r()))));
  await redis.stop();
}
