/**
 * What both Unfold bench servers (unfold-server.ts, one process; unfold-workers.ts, K
 * workers) set up alike: the build under test loaded from its src/ folder, a fresh
 * database (SQLite file or PostgreSQL schema) with an editor token and one live blog, and
 * the bench-only instruments on the app (fan-out loop timer, heap snapshots).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, rmrf } from '../lib/proc.ts';
import { FanoutTimer } from '../lib/server-stats.ts';
import { entryBody } from '../lib/payload.ts';

export interface UnfoldArgs {
  port: number;
  db: 'sqlite' | 'postgres';
  pgUrl?: string;
  entries?: number;
  /** Another copy of src/ (an earlier commit) for before/after comparisons. */
  srcRoot?: string;
}

// The build under test may be another commit's src/: its modules are typed loosely here.
type Any = any;

/** The modules of the build under test (its own src/, not necessarily this tree's). */
export async function loadUnfold(a: UnfoldArgs) {
  const src = a.srcRoot ?? path.join(ROOT, 'src');
  const load = (p: string): Promise<Any> => import(path.join(src, p));
  const [config, connect, migrate, bus, presence, app, time] = await Promise.all(
    ['config.ts', 'db/connect.ts', 'db/migrate.ts', 'live/bus.ts', 'live/presence.ts', 'app.ts', 'time.ts'].map(load),
  );
  return {
    src,
    loadConfig: config.loadConfig,
    connect: connect.connect,
    migrateToLatest: migrate.migrateToLatest,
    MemoryBus: bus.MemoryBus,
    LocalPresence: presence.LocalPresence,
    buildApp: app.buildApp,
    systemClock: time.systemClock,
    iso: time.iso,
  };
}

export type Unfold = Awaited<ReturnType<typeof loadUnfold>>;

/**
 * A fresh data folder or PostgreSQL schema, its environment (plus `extraEnv`), the
 * database opened on it, and a cleanup that removes both.
 */
export async function freshDatabase(u: Unfold, a: UnfoldArgs, extraEnv: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-bench-'));
  const schema = a.db === 'postgres' ? `bench_${process.pid}_${Date.now().toString(36)}` : undefined;
  const env: Record<string, string> = {
    UNFOLD_DATA_DIR: dataDir,
    UNFOLD_DEMO: '0',
    HOST: '127.0.0.1',
    PORT: String(a.port),
    LOG_LEVEL: 'silent',
    // A fresh schema per run (PG_SCHEMA where the build knows it; connect() is told directly too).
    ...(a.db === 'postgres' ? { DATABASE_URL: a.pgUrl ?? 'postgres://postgres@127.0.0.1:5432/test', PG_SCHEMA: schema! } : {}),
    ...extraEnv,
  };
  const config = u.loadConfig(env);
  const db = await u.connect({ dataDir, databaseUrl: config.databaseUrl, pgPoolMax: config.pgPoolMax, pgStatementTimeoutMs: config.pgStatementTimeoutMs, pgSchema: schema });
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    if (schema) await db.kysely.schema.dropSchema(schema).ifExists().cascade().execute().catch(() => {});
    await db.close().catch(() => {});
    rmrf(dataDir);
  };
  return { env, schema, config, db, cleanup };
}

/**
 * The bench's editor with a token and one live blog, seeded with `entries` entries; and a
 * second live blog that no reader follows, where the load warms the write path (warmup.ts).
 */
export async function seedLiveblog(u: Unfold, services: Any, entries = 0): Promise<{ token: string; lb: { id: string; slug: string }; warm: { id: string } }> {
  const now = u.iso(new Date());
  const editor = await services.users.create({ email: 'bench@bench.invalid', name: 'Bench Editor', role: 'editor', passwordHash: null }, now);
  const token = await services.users.createToken(editor.id, 'bench', now);
  const lb = await services.liveblogs.create(editor, { title: 'Bench live blog', status: 'live' });
  for (let i = 0; i < entries; i++) await services.entries.create(editor, lb.id, { headline: `Seeded entry ${i + 1}`, body: entryBody(i) });
  const warm = await services.liveblogs.create(editor, { title: 'Bench warm-up live blog', status: 'live' });
  return { token, lb, warm };
}

/**
 * Times each fan-out loop by wrapping the hub's (private) fan-out — here and only here:
 * `flush` since the hub batches changes per turn of the event loop, `deliver` in earlier
 * builds (--before) — and adds GET /__bench/heap, a heap snapshot on demand (bench/tools/heap-diff.ts).
 */
export function instrument(app: Any, services: Any): { timer: FanoutTimer; hub: { readerCount: number } } {
  const timer = new FanoutTimer();
  const hub = services.hub as Record<string, unknown> & { readerCount: number };
  const name = typeof hub.flush === 'function' ? 'flush' : 'deliver';
  const fanout = hub[name] as (...x: unknown[]) => void;
  hub[name] = function (this: unknown, ...x: unknown[]) {
    timer.time(() => fanout.apply(this, x));
  };
  app.get('/__bench/heap', async () => ({ file: (await import('node:v8')).writeHeapSnapshot(path.join(ROOT, '.tmp', `unfold-${Date.now()}.heapsnapshot`)) }));
  return { timer, hub };
}
