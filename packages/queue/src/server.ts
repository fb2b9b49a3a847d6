/**
 * A throwaway redis-server for tests, benchmarks and one-machine use: Debian's `redis-server` on
 * 127.0.0.1 only, a free port, its files in a temporary folder, nothing saved to disk, stopped by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { QueueError } from './url.js';

export interface RedisServer {
  /** `redis://[:password@]127.0.0.1:<port>` (`rediss://` with TLS) */
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The redis-server binary: $INV_REDIS_SERVER, Debian's /usr/bin/redis-server, or the one on PATH. */
export function redisServerBinary(): string | undefined {
  if (process.env.INV_REDIS_SERVER) return process.env.INV_REDIS_SERVER;
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function answers(port: number, password?: string, ca?: Buffer): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port, password, tls: ca ? { ca } : undefined, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500, disconnectTimeout: 100 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export interface RedisServerOptions {
  password?: string;
  /** Serve TLS only (`rediss://`), with this certificate and key (PEM files); clients are not asked for certificates. */
  tls?: { certFile: string; keyFile: string };
  timeoutMs?: number;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (!binary) throw new QueueError('redis-server not found (Debian: apt-get install redis-server; or set INV_REDIS_SERVER)');
  const dir = mkdtempSync(join(tmpdir(), 'inv-redis-'));
  const port = await freePort();
  const listen = options.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.certFile, '--tls-key-file', options.tls.keyFile, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const ca = options.tls ? readFileSync(options.tls.certFile) : undefined;
  const args = [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
  if (options.password) args.push('--requirepass', options.password);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (!(await answers(port, options.password, ca))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new QueueError(`redis-server did not start on 127.0.0.1:${port}: ${stderr.trim().split('\n').pop() ?? 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return { url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`, port, process: child, stop };
}
