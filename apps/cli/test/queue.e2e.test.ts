/**
 * `inv worker` and `--redis` end to end: a real redis-server (Debian's, on 127.0.0.1, a free port, a
 * temporary folder) and real worker processes. Small experiment settings keep this to seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy, gaussianVector, Rng } from '@inv/core';
import { writeFileSync } from 'node:fs';
import { jobId, parseRedisUrl } from '@inv/queue';
import { redisServerBinary, startRedisServer, type RedisServer } from '@inv/queue/server';
import { experimentPayloads } from '../src/queue/jobs.js';
import { BIN, runCli, tinyModel, tempDir, writeNpy } from './helpers.js';

// Like the browser test: without redis-server this suite is skipped with a message, except under CI=true.
const haveRedis = redisServerBinary() !== undefined || process.env.CI === 'true';
if (!haveRedis) console.warn('redis-server not found (apt-get install redis-server): the queue tests are skipped');

const tmp = tempDir();
const PASSWORD = 'queue-test-secret';
let redis: RedisServer;
const workers: ChildProcess[] = [];

/**
 * An `inv worker` process whose stderr goes to a file (read synchronously, so a stopped worker's log is
 * complete). Locks last 2 s (renewed every second from the worker's main thread, which never runs a job),
 * so a killed worker's job is back in the queue within about 2.5 s; the default is 30 s.
 */
function startWorker(queue: string, log: string, extra: string[] = []): ChildProcess {
  const fd = openSync(tmp.path(log), 'w');
  const child = spawn(process.execPath, [BIN, 'worker', '--redis', redis.url, '--queue', queue, '--concurrency', '1', '--lock-ms', '2000', '--stalled-ms', '500', '--data', tmp.dir, ...extra], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  workers.push(child);
  return child;
}

const logOf = (name: string) => readFileSync(tmp.path(name), 'utf8');
// Whole lines only: a log read while the worker writes it may end in half a line (and half a job id).
const lines = (name: string, verb: string) => [...logOf(name).matchAll(new RegExp(`^inv worker: ${verb} (\\S+)[^\\n]*\\n`, 'gm'))].map((m) => m[1]);

async function until(what: string, test: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the CLI without blocking this process (the workers' logs are watched meanwhile). */
function cli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const experimentIds = (trials: number, seed: number, count: number) => experimentPayloads('negation-check', { trials, seed }, count).map((p) => jobId('experiment', p));

/** The files of a local run, to compare with a queue run byte for byte. */
function localExperiment(trials: number, seed: number): { csv: Buffer; svg: Buffer } {
  const out = tmp.path(`local-${trials}-${seed}`);
  const run = runCli(['experiment', 'negation-check', '--trials', String(trials), '--seed', String(seed), '--workers', '0', '--out', out, '--json'], { plugins: false });
  expect(run.code).toBe(0);
  return { csv: readFileSync(join(out, 'negation-check.csv')), svg: readFileSync(join(out, 'negation-check.svg')) };
}

function expectSameFiles(out: string, local: { csv: Buffer; svg: Buffer }): void {
  expect(readFileSync(join(out, 'negation-check.csv')).equals(local.csv)).toBe(true);
  expect(readFileSync(join(out, 'negation-check.svg')).equals(local.svg)).toBe(true);
}

beforeAll(async () => {
  if (!haveRedis) return;
  redis = await startRedisServer({ password: PASSWORD });
  startWorker('main', 'main-a.log');
  startWorker('main', 'main-b.log');
});

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await redis?.stop();
  tmp.cleanup();
});

describe.skipIf(!haveRedis)('inv experiment --redis', () => {
  it('with 2 worker processes writes the same CSV and SVG bytes as a local run, and never prints the password', async () => {
    const out = tmp.path('queued');
    const run = await cli(['experiment', 'negation-check', '--trials', '3', '--redis', redis.url, '--queue', 'main', '--out', out, '--json']).done;
    expect(run.code).toBe(0);
    expectSameFiles(out, localExperiment(3, 0));
    const result = JSON.parse(run.stdout);
    expect(result.rows).toHaveLength(6);
    // Progress arrives as JSON lines on stderr; the last one counts every job.
    const progress = run.stderr.trim().split('\n').map((l) => JSON.parse(l).progress);
    expect(progress[progress.length - 1]).toEqual({ done: 9, total: 9, reused: 0, failed: 0, stalled: 0 });
    // Both workers took jobs, each job ran once.
    const done = [...lines('main-a.log', 'done'), ...lines('main-b.log', 'done')];
    expect(new Set(done)).toEqual(new Set(experimentIds(3, 0, 9)));
    expect(done).toHaveLength(9);
    expect(lines('main-a.log', 'done').length).toBeGreaterThan(0);
    expect(lines('main-b.log', 'done').length).toBeGreaterThan(0);
    for (const text of [run.stdout, run.stderr, readFileSync(join(out, 'negation-check.md'), 'utf8'), logOf('main-a.log')]) expect(text).not.toContain(PASSWORD);
  });

  it('resumes after the enqueuing command is killed: finished jobs are not run again and the output is complete', async () => {
    const ids = experimentIds(5, 7, 15);
    const ran = () => [...lines('main-a.log', 'done'), ...lines('main-b.log', 'done')].filter((id) => ids.includes(id));
    const first = cli(['experiment', 'negation-check', '--trials', '5', '--seed', '7', '--redis', redis.url, '--queue', 'main', '--out', tmp.path('resume'), '--json']);
    await until('a third of the jobs', () => ran().length >= 5);
    first.child.kill('SIGKILL');
    // It was killed, not finished.
    expect((await first.done).code).toBe(null);
    const finishedBefore = ran().length;
    const out = tmp.path('resume');
    const second = await cli(['experiment', 'negation-check', '--trials', '5', '--seed', '7', '--redis', redis.url, '--queue', 'main', '--out', out, '--json']).done;
    expect(second.code).toBe(0);
    const last = JSON.parse(second.stderr.trim().split('\n').pop()!).progress;
    expect(last.done).toBe(15);
    // At least the jobs finished before the rerun were reused, not run again: every job ran exactly once.
    expect(last.reused).toBeGreaterThanOrEqual(finishedBefore);
    expect(ran()).toHaveLength(15);
    expect(new Set(ran()).size).toBe(15);
    expectSameFiles(out, localExperiment(5, 7));
  });

});

describe.skipIf(!haveRedis)('inv solve --redis', () => {
  it('solves a batch in chunks on the workers with the results of a local run (times and where it ran aside)', async () => {
    const { generator, path: model } = tinyModel(tmp.dir, 'tfjs', 5);
    const rows: number[] = [];
    for (let i = 0; i < 40; i++) rows.push(...generator.forward(gaussianVector(new Rng(i + 1), 4)));
    const y = tmp.path('y.npy');
    writeFileSync(y, encodeNpy(rows, [40, 64]));
    const local = runCli(['solve', '--model', model, '--observation', y, '--solver', 'gd', '--max-iterations', '300', '--out', tmp.path('local.json'), '--json'], { plugins: false });
    expect(local.code).toBe(0);
    const queued = await cli(['solve', '--model', model, '--observation', y, '--solver', 'gd', '--max-iterations', '300', '--redis', redis.url, '--queue', 'main', '--chunk', '16', '--out', tmp.path('queued.json'), '--json']).done;
    expect(queued.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l).progress.total)).toContain(2);
    expect(queued.code).toBe(0);
    const strip = (path: string) => {
      const r = JSON.parse(readFileSync(path, 'utf8'));
      delete r.timeMs;
      delete r.totalTimeMs;
      r.info = r.info.map(({ ranIn, workers, ...rest }: Record<string, unknown>) => rest);
      return r;
    };
    const a = strip(tmp.path('local.json'));
    expect(a.batch).toBe(40);
    expect(strip(tmp.path('queued.json'))).toEqual(a);
  });
});

describe.skipIf(!haveRedis)('inv worker: hostile jobs, failed jobs, a dead worker, SIGTERM', () => {
  it('rejects malformed and hostile payloads with a clear reason, without retries, and keeps working', async () => {
    const queue = new Queue('main', { connection: parseRedisUrl(redis.url) });
    const model = tinyModel(tmp.dir, 'keras', 6).path;
    const solve = { format: 1, solver: 'gd', model: { path: '/etc/passwd', sha256: '0'.repeat(64) }, measurement: 'identity', files: [], seed: 0, options: {}, rows: [[1]], item: 0, items: 1 };
    const hostile: { kind: string; payload: unknown; reason: string }[] = [
      { kind: 'experiment', payload: { format: 1, experiment: 'rm -rf /', trials: 1, seed: 0, index: 0 }, reason: "experiment job: unknown experiment 'rm -rf /'" },
      { kind: 'experiment', payload: { format: 1, experiment: 'negation-check', trials: 1e9, seed: 0, index: 0 }, reason: 'experiment job: trials: expected an integer in [1, 10000], got 1000000000' },
      { kind: 'experiment', payload: { format: 1, experiment: 'negation-check', trials: 1, seed: 0, index: 3 }, reason: 'experiment job: index: expected an integer in [0, 2], got 3' },
      { kind: 'experiment', payload: { format: 1, experiment: 'negation-check', trials: 1, seed: 0, index: 0, code: 'x' }, reason: "experiment job: unexpected field 'code'" },
      { kind: 'solve', payload: solve, reason: "solve job: model: /etc/passwd is not a readable file inside this worker's --data folders" },
      { kind: 'solve', payload: { ...solve, model: { path: model, sha256: 'zz' } }, reason: 'solve job: model: sha256: expected 64 hex digits' },
      { kind: 'shell', payload: { cmd: 'id' }, reason: "unknown job kind 'shell' (known: experiment, solve)" },
    ];
    for (const h of hostile) await queue.add(h.kind, h.payload, { jobId: jobId(h.kind, h.payload), attempts: 3 });
    for (const h of hostile) {
      const id = jobId(h.kind, h.payload);
      await until(`job ${h.kind} to fail`, () => logOf('main-a.log').includes(`failed ${id}`) || logOf('main-b.log').includes(`failed ${id}`), 10_000);
      const job = (await queue.getJob(id))!;
      expect(job.failedReason).toBe(`rejected: ${h.reason}`);
      expect(job.attemptsMade).toBe(1);
    }
    await queue.close();
    // Both workers are alive and still do real work.
    expect(workers.slice(0, 2).map((w) => w.exitCode)).toEqual([null, null]);
    expect(workers.slice(0, 2).map((w) => w.signalCode)).toEqual([null, null]);
    const out = tmp.path('after-hostile');
    const run = await cli(['experiment', 'negation-check', '--trials', '1', '--seed', '2', '--redis', redis.url, '--queue', 'main', '--out', out, '--json']).done;
    expect(run.code).toBe(0);
    expectSameFiles(out, localExperiment(1, 2));
  });

  it('a job that fails is reported in one line with its reason, and nothing is written', async () => {
    // The model lies outside the workers' --data folder, so they refuse the job.
    const elsewhere = tempDir();
    try {
      const { generator, path: model } = tinyModel(elsewhere.dir, 'tfjs', 8);
      const y = writeNpy(elsewhere.path('y.npy'), Array.from({ length: 20 }, (_, i) => [...generator.forward([i / 20, 1, -1, 0.5])]).flat(), [20, 64]);
      const out = tmp.path('refused.json');
      const run = runCli(['solve', '--model', model, '--observation', y, '--solver', 'gd', '--redis', redis.url, '--queue', 'main', '--out', out]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^inv: solve gd: 1 of 1 jobs failed \(first: rows 0–19, job solve-[0-9a-f]{64}: rejected: solve job: model: .*model-tfjs-8.* is not a readable file inside this worker's --data folders\)\n$/);
      expect(existsSync(out)).toBe(false);
    } finally {
      elsewhere.cleanup();
    }
  });

  // Kills worker A, so it comes after every test that wants both.
  it('finishes when one of 2 workers is killed mid-job: the job goes to the other worker, every trial once, same files as a local run', async () => {
    const a = workers[0];
    const out = tmp.path('fault');
    const run = cli(['experiment', 'negation-check', '--trials', '6', '--seed', '11', '--redis', redis.url, '--queue', 'main', '--out', out, '--json']);
    // Freeze worker A inside a job (a started line without its done line), then kill it.
    let victim: string | undefined;
    while (!victim) {
      await until('a job on worker A', () => lines('main-a.log', 'started').length > lines('main-a.log', 'done').length);
      a.kill('SIGSTOP');
      const open = lines('main-a.log', 'started').filter((id) => !lines('main-a.log', 'done').includes(id));
      if (open.length) victim = open[0];
      else a.kill('SIGCONT');
    }
    a.kill('SIGKILL');
    const result = await run.done;
    expect(result.code).toBe(0);
    const last = JSON.parse(result.stderr.trim().split('\n').pop()!).progress;
    expect(last).toMatchObject({ done: 18, total: 18, failed: 0 });
    expect(last.stalled).toBeGreaterThanOrEqual(1);
    // The victim job was finished by worker B; every job finished exactly once.
    expect(lines('main-b.log', 'done')).toContain(victim);
    const ids = experimentIds(6, 11, 18);
    const done = [...lines('main-a.log', 'done'), ...lines('main-b.log', 'done')].filter((id) => ids.includes(id));
    expect(done.sort()).toEqual(ids.sort());
    const csv = readFileSync(join(out, 'negation-check.csv'), 'utf8').trim().split('\n').slice(1);
    expect(csv.map((r) => r.split(',')[2])).toEqual(['6', '6', '6', '6', '6', '6']);
    expectSameFiles(out, localExperiment(6, 11));
  });

  it('a worker stops cleanly on SIGTERM, exit 0, reporting the jobs it did', async () => {
    const a = workers[1];
    const exited = new Promise<number | null>((resolve) => a.once('exit', (code) => resolve(code)));
    a.kill('SIGTERM');
    expect(await exited).toBe(0);
    const done = lines('main-b.log', 'done').length;
    const failed = lines('main-b.log', 'failed').length;
    expect(logOf('main-b.log')).toContain(`inv worker: stopped after ${done} completed and ${failed} failed jobs`);
  });

  it('a wrong password is reported in one line without the password, and nothing is written', async () => {
    const out = tmp.path('never');
    const run = runCli(['experiment', 'negation-check', '--redis', redis.url.replace(PASSWORD, 'wrong'), '--queue', 'main', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^inv: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
    expect(run.stderr).not.toContain('wrong');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});
