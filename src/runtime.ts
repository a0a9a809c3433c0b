/**
 * Opens the real parts the configuration names — database (migrated), bus, presence,
 * rate limiter — as one Deps object. The only place that chooses between
 * SQLite/PostgreSQL and the in-process/Redis bus; server.ts and the CLI both start here.
 */
import pino from 'pino';
import type { Config } from './config.ts';
import type { Deps } from './deps.ts';
import { connect } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { MemoryBus, type Bus } from './live/bus.ts';
import { LocalPresence, type Presence } from './live/presence.ts';
import { RedisBus } from './live/redis-bus.ts';
import { RedisPresence } from './live/redis-presence.ts';
import { createRedis, waitReady } from './live/redis-client.ts';
import type { RateLimiter } from './ratelimit/rate-limiter.ts';
import { MemoryRateLimiter } from './ratelimit/memory-rate-limiter.ts';
import { RedisRateLimiter } from './ratelimit/redis-rate-limiter.ts';
import { systemClock } from './time.ts';
import { MemoryDeskPresence, type DeskPresenceStore } from './desk/desk-presence-store.ts';
import { RedisDeskPresence } from './desk/redis-desk-presence-store.ts';

interface Shared {
  bus: Bus;
  presence: Presence;
  rateLimiter: RateLimiter;
  deskPresence: DeskPresenceStore;
  close(): Promise<void>;
}

/** The one switch between a single node and many (REDIS_URL). */
async function openShared(config: Config): Promise<Shared> {
  const mode = config.redisUrl ? 'redis' : 'memory';
  switch (mode) {
    case 'memory': {
      const bus = new MemoryBus();
      const rateLimiter = new MemoryRateLimiter();
      return { bus, presence: new LocalPresence(), rateLimiter, deskPresence: new MemoryDeskPresence(), close: async () => { await bus.close(); await rateLimiter.close(); } };
    }
    case 'redis': {
      const log = pino({ level: config.logLevel, base: { node: config.nodeId } });
      const client = createRedis(config.redisUrl!, `unfold-${config.nodeId}`, log);
      const subscriber = createRedis(config.redisUrl!, `unfold-${config.nodeId}-sub`, log);
      // Start even when Redis is away: pages and writes work without it, streams catch up on resume.
      if (!(await waitReady(client, 3000))) log.warn('Redis is not reachable yet; starting without it and retrying');
      const bus = new RedisBus({ client, subscriber, prefix: config.redisPrefix, log });
      const presence = new RedisPresence({ client, prefix: config.redisPrefix, nodeId: config.nodeId });
      const rateLimiter = new RedisRateLimiter(client, config.redisPrefix);
      return {
        bus,
        presence,
        rateLimiter,
        deskPresence: new RedisDeskPresence(client, config.redisPrefix),
        async close() {
          await bus.close();
          await rateLimiter.close();
          client.disconnect();
        },
      };
    }
  }
}

export async function openDeps(config: Config): Promise<Deps & { close(): Promise<void> }> {
  const db = await connect({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    pgPoolMax: config.pgPoolMax,
    pgStatementTimeoutMs: config.pgStatementTimeoutMs,
    pgSchema: config.pgSchema ?? undefined,
  });
  try {
    await migrateToLatest(db.kysely);
  } catch (err) {
    await db.close();
    throw err;
  }
  let shared: Shared;
  try {
    shared = await openShared(config);
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    config,
    db,
    bus: shared.bus,
    presence: shared.presence,
    rateLimiter: shared.rateLimiter,
    deskPresence: shared.deskPresence,
    clock: systemClock,
    async close() {
      await shared.close().catch(() => {});
      await db.close();
    },
  };
}
