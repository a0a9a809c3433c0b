/**
 * The store contract on SQLite and on PostgreSQL (a fresh schema per run, dropped at the
 * end). UNFOLD_TEST_DB=sqlite|postgres narrows it to one database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { connect } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { MemoryBus } from '../../src/live/bus.ts';
import { LocalPresence } from '../../src/live/presence.ts';
import { systemClock } from '../../src/time.ts';
import type { Deps } from '../../src/deps.ts';
import { freshSchema, pgSkip } from '../helpers/pg.ts';
import { runStoreContract } from './store-contract.ts';

const only = process.env.UNFOLD_TEST_DB;
const config = loadConfig({ UNFOLD_DEMO: '0', PUBLIC_URL: 'http://unfold.test' });
const deps = (db: Deps['db']): Deps => ({ config, db, bus: new MemoryBus(), presence: new LocalPresence(), clock: systemClock });

if (!only || only === 'sqlite') {
  runStoreContract('sqlite', async () => false, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-contract-'));
    const db = await connect({ dataDir, databaseUrl: null });
    await migrateToLatest(db.kysely);
    return {
      deps: deps(db),
      async close() {
        await db.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
}

if (!only || only === 'postgres') {
  runStoreContract('postgres', pgSkip, async () => {
    const s = await freshSchema();
    const db = await connect({ dataDir: '', databaseUrl: s.url, pgSchema: s.schema, pgPoolMax: 12 });
    try {
      await migrateToLatest(db.kysely);
    } catch (err) {
      await db.close();
      await s.drop();
      throw err;
    }
    return {
      deps: deps(db),
      async close() {
        await db.close();
        await s.drop();
      },
    };
  });
}
