import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, checkPlain, decodePlain, encodePlain, jobId, parseRedisUrl, redactUrl, runJobs, runWorker, type JobHandler } from '../src/index.js';
import { redisServerBinary, startRedisServer, type RedisServer } from '../src/server.js';

// Like the browser test: without redis-server the suite is skipped with a message, except under CI=true.
const haveRedis = redisServerBinary() !== undefined || process.env.CI === 'true';
if (!haveRedis) console.warn('redis-server not found (apt-get install redis-server): the tests on a real Redis are skipped');

const PASSWORD = 'p@ss:w/rd secret';

describe('Redis URLs', () => {
  it('parses credentials, port, database and TLS, and redacts only the password', () => {
    const url = `rediss://worker:${encodeURIComponent(PASSWORD)}@cache.example:6380/2`;
    expect(parseRedisUrl(url)).toEqual({ host: 'cache.example', port: 6380, db: 2, username: 'worker', password: PASSWORD, tls: { servername: 'cache.example' } });
    expect(redactUrl(url)).toBe('rediss://worker:***@cache.example:6380/2');
    expect(parseRedisUrl('redis://[::1]')).toEqual({ host: '::1', port: 6379, db: 0 });
    // No SNI for an IP address (Node warns, RFC 6066 forbids it); the certificate is still checked against it.
    expect(parseRedisUrl('rediss://10.0.0.7')).toEqual({ host: '10.0.0.7', port: 6379, db: 0, tls: {} });
  });

  it('rejects other schemes and bad databases without echoing the password', () => {
    expect(() => parseRedisUrl(`http://u:${encodeURIComponent(PASSWORD)}@h`)).toThrow(/redis:\/\/ or rediss:\/\//);
    const bad = `redis://u:hunter2@h/99`;
    expect(() => parseRedisUrl(bad)).toThrow(/database number/);
    try {
      parseRedisUrl(bad);
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});

describe('plain data', () => {
  it('carries NaN, ±Infinity, −0 and typed arrays through JSON exactly', () => {
    const value = { a: [NaN, Infinity, -Infinity, -0, 0.1 + 0.2, 5e-324], t: new Float64Array([1.5, -0]) };
    const back = decodePlain(JSON.parse(JSON.stringify(encodePlain(value)))) as { a: number[]; t: number[] };
    expect(back.a).toEqual([NaN, Infinity, -Infinity, -0, 0.30000000000000004, 5e-324]);
    expect(Object.is(back.a[3], -0)).toBe(true);
    expect(Object.is(back.t[1], -0)).toBe(true);
  });

  it('derives the same id from equal content whatever the key order, and a different one otherwise', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe('{"a":{"c":null,"d":[1,2]},"b":1}');
    expect(jobId('k', { a: 1, b: 2 })).toBe(jobId('k', { b: 2, a: 1 }));
    expect(jobId('k', { a: 1 })).not.toBe(jobId('k', { a: 2 }));
    expect(jobId('k', { a: 1 })).not.toBe(jobId('j', { a: 1 }));
    expect(jobId('k', {})).toMatch(/^k-[0-9a-f]{64}$/);
  });

  it('names the path of what is not plain data', () => {
    expect(() => checkPlain(JSON.parse('{"x":{"__proto__":{"polluted":1}}}'))).toThrow("payload.x: the key '__proto__' is not allowed");
    expect(() => checkPlain({ rows: [[1, 2], [3, Infinity]] })).toThrow('payload.rows[1][1]: expected a finite number');
    expect(() => checkPlain({ f: () => 1 })).toThrow('payload.f: expected plain data, got a function');
    expect(() => checkPlain({ d: new Date(0) })).toThrow('payload.d: expected a plain object');
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(() => checkPlain(deep)).toThrow(/nested deeper than 32/);
    expect(() => checkPlain(new Array(11).fill(0), 'p', { values: 10 })).toThrow('p: more than 10 values');
    expect(() => checkPlain({ a: [1, 'x', null, true, { b: 2 }] })).not.toThrow();
  });
});

describe.skipIf(!haveRedis)('jobs on a real redis-server', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** A handler with validation: squares x, and returns the special floats JSON cannot hold. */
  let runs = 0;
  const square: JobHandler<{ x: number }> = {
    validate(p) {
      const x = (p as { x?: unknown }).x;
      if (typeof x !== 'number' || Object.keys(p as object).length !== 1) throw new Error('square: expected { x: number }');
      return { x };
    },
    async run({ x }) {
      runs++;
      return { square: x * x, special: [x / 0, -0 * x] };
    },
    describe: ({ x }) => `square of ${x}`,
  };

  it('gathers results in order, reuses finished jobs on a rerun, and never logs the password', async () => {
    const logs: string[] = [];
    const stop = new AbortController();
    const worker = runWorker({ url: redis.url, queue: 'unit', concurrency: 2, handlers: { square }, log: (l) => logs.push(l), signal: stop.signal });
    const jobs = [3, -2, 0, 3].map((x) => ({ kind: 'square', payload: { x } }));
    const first = await runJobs(jobs, { url: redis.url, queue: 'unit' });
    expect(first.failures).toEqual([]);
    expect(first.results).toEqual([
      { square: 9, special: [Infinity, -0] },
      { square: 4, special: [-Infinity, 0] },
      { square: 0, special: [NaN, -0] },
      { square: 9, special: [Infinity, -0] },
    ]);
    // The same work twice is one job.
    expect(runs).toBe(3);
    expect(first.reused).toBe(0);
    const progress: number[] = [];
    const again = await runJobs(jobs, { url: redis.url, queue: 'unit', onProgress: (p) => progress.push(p.done) });
    expect(again.results).toEqual(first.results);
    expect(again.reused).toBe(3);
    expect(runs).toBe(3);
    expect(progress[progress.length - 1]).toBe(4);
    stop.abort();
    expect(await worker).toEqual({ completed: 3, failed: 0 });
    expect(logs.some((l) => l.startsWith('connected to redis://:***@127.0.0.1:'))).toBe(true);
    expect(logs.filter((l) => l.startsWith('done '))).toHaveLength(3);
    expect(logs.join('\n')).not.toContain(PASSWORD);
    expect(logs.join('\n')).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('rejects hostile payloads with a clear reason, without retries, and keeps working', async () => {
    const logs: string[] = [];
    const stop = new AbortController();
    const worker = runWorker({ url: redis.url, queue: 'hostile', handlers: { square }, log: (l) => logs.push(l), signal: stop.signal });
    const queue = new Queue('hostile', { connection: parseRedisUrl(redis.url) });
    const hostile: { name: string; data: unknown; id?: string; reason: RegExp }[] = [
      { name: 'square', data: JSON.parse('{"x":2,"__proto__":{"admin":true}}'), reason: /payload: the key '__proto__' is not allowed/ },
      { name: 'square', data: { x: 'require("child_process").exec("touch /tmp/pwned")' }, reason: /square: expected \{ x: number \}/ },
      { name: 'eval', data: { code: 'process.exit(1)' }, reason: /unknown job kind 'eval' \(known: square\)/ },
      { name: 'square', data: { x: 2 }, id: 'square-forged', reason: /the job id does not match its content/ },
      { name: 'square', data: { x: 'a'.repeat(70_000) }, reason: /payload.x: a string longer than 65536/ },
    ];
    for (const h of hostile) await queue.add(h.name, h.data, { jobId: h.id ?? jobId(h.name, h.data), attempts: 3 });
    // A well-formed job after them still runs.
    const good = await runJobs([{ kind: 'square', payload: { x: 7 } }], { url: redis.url, queue: 'hostile' });
    expect(good.results).toEqual([{ square: 49, special: [Infinity, -0] }]);
    for (const h of hostile) {
      const job = (await queue.getJob(h.id ?? jobId(h.name, h.data)))!;
      expect(await job.getState()).toBe('failed');
      expect(job.failedReason).toMatch(/^rejected: /);
      expect(job.failedReason).toMatch(h.reason);
      // Unrecoverable: one attempt, not three.
      expect(job.attemptsMade).toBe(1);
    }
    // runJobs reports a failed job with its reason instead of dropping it.
    const reported = await runJobs([{ kind: 'square', payload: { x: 'oops' }, label: 'the oops job' }], { url: redis.url, queue: 'hostile' });
    expect(reported.results).toEqual([undefined]);
    expect(reported.failures).toEqual([{ index: 0, id: jobId('square', { x: 'oops' }), label: 'the oops job', reason: 'rejected: square: expected { x: number }' }]);
    await queue.close();
    stop.abort();
    expect(await worker).toEqual({ completed: 1, failed: hostile.length + 1 });
    expect(logs.filter((l) => l.startsWith('failed '))).toHaveLength(hostile.length + 1);
  });

  it('fails fast with a redacted one-line error when Redis is not there', async () => {
    const url = `redis://u:${encodeURIComponent(PASSWORD)}@127.0.0.1:1`;
    const e = await runJobs([{ kind: 'square', payload: { x: 1 } }], { url }).catch((err: Error) => err);
    expect((e as Error).message).toMatch(/^cannot reach Redis at redis:\/\/u:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect((e as Error).message).not.toContain(encodeURIComponent(PASSWORD));
  });
});
