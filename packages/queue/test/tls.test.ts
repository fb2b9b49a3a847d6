import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerBinary, startRedisServer, type RedisServer } from '../src/server.js';

const PASSWORD = 'tls-secret';
const dir = mkdtempSync(join(tmpdir(), 'inv-tls-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
// A self-signed certificate for 127.0.0.1, made here (openssl); without openssl or redis-server the test is skipped outside CI.
const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
const runnable = (made.status === 0 && redisServerBinary() !== undefined) || process.env.CI === 'true';
if (!runnable) console.warn('openssl or redis-server not found: the rediss:// test is skipped');

let redis: RedisServer;
beforeAll(async () => {
  if (runnable) redis = await startRedisServer({ password: PASSWORD, tls: { certFile: cert, keyFile: key } });
});
afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const roundTrip = (env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [join(__dirname, 'fixtures', 'tls-roundtrip.mjs'), redis.url], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { out: JSON.parse(r.stdout), stderr: r.stderr };
};

describe.skipIf(!runnable)('rediss://', () => {
  it('runs jobs over TLS with a password, which never shows in the logs', () => {
    expect(redis.url).toMatch(/^rediss:\/\/:tls-secret@127\.0\.0\.1:\d+$/);
    const { out, stderr } = roundTrip({ NODE_EXTRA_CA_CERTS: cert });
    expect(out.results).toEqual([8, -3]);
    expect(out.worker).toEqual({ completed: 2, failed: 0 });
    expect(out.logs[0]).toMatch(/^connected to rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+, queue 'tls'/);
    expect(JSON.stringify(out)).not.toContain(PASSWORD);
    expect(stderr).toBe('');
  });

  it('refuses a server whose certificate it does not trust, in one line', () => {
    const { out } = roundTrip({});
    expect(out.error).toMatch(/^cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+: self.signed certificate/);
    expect(out.error).not.toContain(PASSWORD);
  });
});
