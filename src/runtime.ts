/**
 * Opens the real parts the configuration names — database (migrated), bus, presence —
 * as one Deps object. The only place that chooses between SQLite/PostgreSQL and the
 * in-process/Redis bus; server.ts and the CLI both start here.
 */
import type { Config } from './config.ts';
import type { Deps } from './deps.ts';
import { connect } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { MemoryBus, type Bus } from './live/bus.ts';
import { LocalPresence, type Presence } from './live/presence.ts';
import { systemClock } from './time.ts';

export async function openDeps(config: Config): Promise<Deps & { close(): Promise<void> }> {
  const db = await connect({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    pgPoolMax: config.pgPoolMax,
    pgStatementTimeoutMs: config.pgStatementTimeoutMs,
  });
  try {
    await migrateToLatest(db.kysely);
  } catch (err) {
    await db.close();
    throw err;
  }
  let bus: Bus = new MemoryBus();
  let presence: Presence = new LocalPresence();
  if (config.redisUrl) {
    throw new Error('REDIS_URL: the Redis bus is not available in this build');
  }
  return {
    config,
    db,
    bus,
    presence,
    clock: systemClock,
    async close() {
      await bus.close().catch(() => {});
      await presence.close().catch(() => {});
      await db.close();
    },
  };
}
