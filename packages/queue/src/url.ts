/**
 * Redis URLs: `redis://[user[:password]@]host[:port][/db]` and `rediss://` (TLS). The password goes to
 * the connection options only; anything printed uses `redactUrl`, which never shows it.
 */
import { isIP } from 'node:net';
import { InvError } from '@inv/core';

export class QueueError extends InvError {
  constructor(message: string) {
    super('ERR_QUEUE', message);
  }
}

/** The ioredis options for a URL (a subset of ioredis' `RedisOptions`, so that this file needs no import of it). */
export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: { servername?: string };
}

/** The URL, or undefined when the text is not one. */
function tryUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function parse(url: string): URL {
  const u = tryUrl(url);
  // The text may hold a password: name only what was expected.
  if (!u) throw new QueueError('--redis: expected a URL redis://[user:password@]host[:port][/db] or rediss://…');
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new QueueError(`--redis: expected a redis:// or rediss:// URL, got ${u.protocol}//…`);
  if (!u.hostname) throw new QueueError('--redis: the URL has no host');
  return u;
}

export function parseRedisUrl(url: string): RedisConnection {
  const u = parse(url);
  const port = u.port === '' ? 6379 : Number(u.port);
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0 || db > 15 || !/^\d*$/.test(path)) throw new QueueError(`--redis ${redactUrl(url)}: the path must be a database number 0…15`);
  if (u.search || u.hash) throw new QueueError(`--redis ${redactUrl(url)}: query strings and fragments are not supported`);
  // WHATWG URLs keep brackets around IPv6 hosts; ioredis wants the bare address.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const out: RedisConnection = { host, port, db };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  // TLS checks the certificate against the host; SNI takes a name, never an IP address (RFC 6066).
  if (u.protocol === 'rediss:') out.tls = isIP(host) ? {} : { servername: host };
  return out;
}

/** The URL with any password replaced by `***` (and nothing else changed), fit for logs and output files. */
export function redactUrl(url: string): string {
  const u = tryUrl(url);
  if (!u) return '<unparsable redis URL>';
  if (u.password) u.password = '***';
  return u.href.replace(/\/$/, '');
}
