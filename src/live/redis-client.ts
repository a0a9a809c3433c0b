/**
 * ioredis connections as Unfold wants them: a command never waits for a Redis that is
 * down (no offline queue, short command timeout), so a write whose publish fails still
 * answers at once; the connection itself retries forever, backing off to one second.
 */
import { Redis } from 'ioredis';

export interface RedisLog {
  warn(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
}

export function createRedis(url: string, name: string, log?: RedisLog): Redis {
  const client = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    connectTimeout: 2000,
    autoResubscribe: false,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
  });
  let up = false;
  client.on('ready', () => {
    if (!up) log?.info({ redis: name }, 'Redis connected');
    up = true;
  });
  // ioredis emits 'error' on every failed reconnect; log the outage once, not each attempt.
  client.on('error', (err) => {
    if (up) log?.warn({ redis: name, err: err.message }, 'Redis connection lost; retrying');
    up = false;
  });
  client.on('close', () => {
    if (up) log?.warn({ redis: name }, 'Redis connection closed; retrying');
    up = false;
  });
  return client;
}

/** Resolves when the client is ready, or after `ms` (the node starts degraded rather than not at all). */
export function waitReady(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      client.off('ready', onReady);
      resolve(false);
    }, ms);
    const onReady = () => {
      clearTimeout(t);
      resolve(true);
    };
    client.once('ready', onReady);
  });
}
