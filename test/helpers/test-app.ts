/** Builds a real app on a fresh SQLite file (or PostgreSQL schema) for one test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { connect } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { MemoryBus, type Bus } from '../../src/live/bus.ts';
import { LocalPresence } from '../../src/live/presence.ts';
import { buildApp, type App } from '../../src/app.ts';
import type { Deps } from '../../src/deps.ts';
import type { Role } from '../../src/auth/roles.ts';
import { iso, systemClock } from '../../src/time.ts';
import type { PgSchema } from './pg.ts';

export interface TestApp extends App {
  deps: Deps;
  /** A bearer token for a new user of that role. */
  tokenFor(role: Role, name?: string): Promise<string>;
  close(): Promise<void>;
}

/** With `pg` the app runs on that fresh PostgreSQL schema instead of a SQLite file. */
export async function makeTestApp(opts: { env?: Record<string, string>; bus?: Bus; pg?: PgSchema } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-test-'));
  const config = loadConfig({ UNFOLD_DATA_DIR: dataDir, UNFOLD_DEMO: '0', PUBLIC_URL: 'http://unfold.test', ...opts.env });
  const db = await connect({ dataDir, databaseUrl: opts.pg?.url ?? null, pgSchema: opts.pg?.schema, pgPoolMax: 8 });
  await migrateToLatest(db.kysely);
  const deps: Deps = { config, db, bus: opts.bus ?? new MemoryBus(), presence: new LocalPresence(), clock: systemClock };
  const built = await buildApp(deps);
  let n = 0;
  return {
    ...built,
    deps,
    async tokenFor(role, name) {
      n++;
      const u = await built.services.users.create({ email: `${role}${n}@test.invalid`, name: name ?? `${role} ${n}`, role, passwordHash: null }, iso(new Date()));
      return built.services.users.createToken(u.id, 'test', iso(new Date()));
    },
    async close() {
      await built.app.close();
      await db.close();
      await opts.pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });
