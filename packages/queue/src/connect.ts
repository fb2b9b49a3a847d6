/** Connections: fail fast with a redacted one-line message when Redis cannot be reached at start. */
import { Redis } from 'ioredis';
import { oneLine } from '@inv/core';
import { parseRedisUrl, QueueError, redactUrl, type RedisConnection } from './url.js';

/** Job queue names: letters, digits, `-` and `_` (they become Redis key parts). */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new QueueError(`--queue: expected 1 to 64 letters, digits, '-' or '_', got '${name.slice(0, 70)}'`);
  return name;
}

/** Parses the URL and checks with one PING that the server answers (and accepts the credentials). */
export async function connect(url: string, timeoutMs = 5000): Promise<RedisConnection> {
  const connection = parseRedisUrl(url);
  const client = new Redis({ ...connection, lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null, maxRetriesPerRequest: 0, disconnectTimeout: 100 });
  // ioredis reports connection errors as events as well as rejections; the rejection is what we report.
  let cause: unknown;
  client.on('error', (e) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new QueueError(`cannot reach Redis at ${redactUrl(url)}: ${oneLine(cause ?? e)}`);
  } finally {
    client.disconnect();
  }
  return connection;
}
