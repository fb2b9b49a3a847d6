import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, gaussianVector, Generator, InvError, Rng, sigmoid } from '../src/index.js';
import { spawnSync } from 'node:child_process';
import { closeWorkers, idleWorkers, readArray, readGenerator, writeArray, writeGenerator, writePng, mapInWorkers } from '../src/node.js';

const dir = () => mkdtempSync(join(tmpdir(), 'inv-core-'));

describe('model files on disk', () => {
  for (const layout of ['tfjs', 'keras'] as const) {
    it(`writes and reads a ${layout}-layout model.json with its weight shard`, () => {
      const d = dir();
      const g = Generator.random([5, 12, 9], { seed: 4, bias: true, outputActivation: sigmoid });
      const path = writeGenerator(g, d, { layout });
      expect(readdirSync(d).sort()).toEqual(['model.json', 'weights.bin']);
      const back = readGenerator(path);
      const z = gaussianVector(new Rng(1), 5);
      const a = back.forward(z), b = g.forward(z);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
    });
  }

  it('names the file in every error: missing model, missing shard, invalid JSON', () => {
    const d = dir();
    expect(() => readGenerator(join(d, 'nope.json'))).toThrow(new RegExp(`${d}/nope.json: cannot read \\(no such file\\)`));
    const path = writeGenerator(Generator.random([2, 3], { seed: 1 }), d);
    writeFileSync(join(d, 'weights.bin'), '');
    expect(() => readGenerator(path)).toThrow(/model.json: the weight files hold 0 bytes, the manifest describes 24/);
    writeFileSync(path, '{"format": ');
    expect(() => readGenerator(path)).toThrow(/model.json: not valid JSON/);
  });
});

describe('arrays on disk', () => {
  it('round-trips .npy and .json, and refuses unknown extensions', () => {
    const d = dir();
    const v = gaussianVector(new Rng(2), 6);
    writeArray(join(d, 'v.npy'), v);
    expect(readArray(join(d, 'v.npy')).data).toEqual(v);
    writeArray(join(d, 'm.json'), v, [2, 3]);
    expect(readArray(join(d, 'm.json'))).toEqual({ shape: [2, 3], data: v });
    // What readArray returns writes back as it is (shape and all), in either format.
    writeArray(join(d, 'm.npy'), readArray(join(d, 'm.json')), 'float32');
    expect(readArray(join(d, 'm.npy'))).toEqual({ shape: [2, 3], data: Float64Array.from(Float32Array.from(v)) });
    writeFileSync(join(d, 'raw.npy'), encodeNpy(v, [3, 2], 'float32'));
    expect(readArray(join(d, 'raw.npy')).shape).toEqual([3, 2]);
    expect(() => readArray(join(d, 'v.csv'))).toThrow(/v.csv: unknown array file type '.csv'/);
    expect(() => writeArray(join(d, 'out.txt'), v)).toThrow(/out.txt: unknown array file type/);
    expect(existsSync(join(d, 'out.txt'))).toBe(false);
  });

  it('leaves no partial file when a write fails', () => {
    const d = dir();
    writeFileSync(join(d, 'file'), 'x');
    expect(() => writeArray(join(d, 'file', 'sub.npy'), [1])).toThrow(/sub.npy: cannot write/);
    expect(readdirSync(d)).toEqual(['file']);
    writePng(join(d, 'img.png'), { width: 1, height: 1, pixels: Float64Array.from([0.5]) });
    expect(readdirSync(d).sort()).toEqual(['file', 'img.png']);
  });
});

describe('worker pool', () => {
  it('runs tasks in worker threads and returns results in task order', async () => {
    const d = dir();
    const worker = join(d, 'square.mjs');
    writeFileSync(worker, `import { serveWorker } from ${JSON.stringify(new URL('../dist/node.js', import.meta.url).href)};\nimport { ValueError } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};\nserveWorker((t) => { if (t < 0) throw new Error('negative task ' + t); if (t > 100) throw new ValueError('task: too large ' + t); return t * t; });\n`);
    const done: number[] = [];
    expect(await mapInWorkers(worker, [3, 1, 4, 1, 5], { workers: 2, onResult: (_r, i) => done.push(i) })).toEqual([9, 1, 16, 1, 25]);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4]);
    await expect(mapInWorkers(worker, [1, -2], { workers: 1 })).rejects.toThrow(/negative task -2/);
    // An InvError keeps its code and class name across the thread boundary.
    const err = await mapInWorkers(worker, [101], { workers: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvError);
    expect(err).toMatchObject({ code: 'ERR_VALUE', name: 'ValueError', message: 'task: too large 101' });
  });

  /**
   * A worker module answering tasks: a number n → [threadId, n]; 'hang' never answers; 'exit' kills the
   * thread; 'wait' reports progress 'started', then answers ['stopped', threadId] once aborted.
   */
  function toyWorker(): string {
    const path = join(dir(), 'toy.mjs');
    const node = JSON.stringify(new URL('../dist/node.js', import.meta.url).href);
    writeFileSync(path, `import { threadId } from 'node:worker_threads';\nimport { serveWorker } from ${node};\n` +
      `serveWorker((t, { signal, report }) => t === 'hang' ? new Promise(() => {}) : t === 'exit' ? process.exit(3)\n` +
      `  : t === 'wait' ? (report('started'), new Promise((done) => signal.addEventListener('abort', () => done(['stopped', threadId])))) : [threadId, t]);\n`);
    return path;
  }

  it('keeps its workers between calls, so a second call reuses warm threads', async () => {
    const worker = toyWorker();
    const first = await mapInWorkers<number, number[]>(worker, [1, 2, 3, 4], { workers: 2 });
    expect(first.map((r) => r[1])).toEqual([1, 2, 3, 4]);
    expect(idleWorkers(worker)).toBe(2);
    const second = await mapInWorkers<number, number[]>(worker, [5, 6], { workers: 2 });
    const threads = (rs: number[][]) => new Set(rs.map((r) => r[0]));
    expect(threads(second)).toEqual(threads(first));
    await closeWorkers();
    expect(idleWorkers(worker)).toBe(0);
  });

  it('relays progress, and on abort lets a running task return its result before rejecting', async () => {
    const worker = toyWorker();
    const controller = new AbortController();
    const progress: unknown[] = [];
    const results: unknown[] = [];
    const run = mapInWorkers<unknown, unknown>(worker, ['wait', 'wait', 5], {
      workers: 2,
      signal: controller.signal,
      onProgress: (p, index) => {
        progress.push([p, index]);
        if (progress.length === 2) controller.abort();
      },
      onResult: (r) => results.push(r),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(progress).toEqual(expect.arrayContaining([['started', 0], ['started', 1]]));
    // Both waits stopped and answered; task 2 never started; both threads were fit to go back to the pool.
    expect(results).toEqual([['stopped', expect.any(Number)], ['stopped', expect.any(Number)]]);
    expect(idleWorkers(worker)).toBe(2);
    await closeWorkers();
  });

  it('ends workers left unused for idleMs', async () => {
    const worker = toyWorker();
    await mapInWorkers(worker, [1, 2], { workers: 2, idleMs: 50 });
    expect(idleWorkers(worker)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(idleWorkers(worker)).toBe(0);
  });

  it('terminates a worker stuck in an aborted task and one that died, and reuses the others', async () => {
    const worker = toyWorker();
    const controller = new AbortController();
    const run = mapInWorkers<unknown, unknown>(worker, [1, 'hang'], { workers: 2, signal: controller.signal, graceMs: 100, onResult: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(idleWorkers(worker)).toBe(1);
    await expect(mapInWorkers(worker, ['exit'], { workers: 1 })).rejects.toThrow(/worker exited with code 3/);
    expect(idleWorkers(worker)).toBe(0);
    expect(await mapInWorkers(worker, [7], { workers: 1 })).toEqual([[expect.any(Number), 7]]);
    await closeWorkers();
  });

  it('does not keep the process alive with idle workers', () => {
    const worker = toyWorker();
    const node = JSON.stringify(new URL('../dist/node.js', import.meta.url).href);
    const script = join(dir(), 'main.mjs');
    writeFileSync(script, `const { mapInWorkers } = await import(${node}); console.log(JSON.stringify(await mapInWorkers(${JSON.stringify(worker)}, [1, 2], { workers: 2 })));`);
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((x: number[]) => x[1])).toEqual([1, 2]);
  });
});
