/**
 * Unfold under test: the real app (buildApp) on a fresh SQLite file or a fresh PostgreSQL
 * schema, with an editor token and one live blog (optionally seeded with entries). Only
 * this bench script adds GET /__bench/stats; the product's routes are untouched.
 *
 * Arg (JSON): { port, db: 'sqlite'|'postgres', pgUrl?, entries?, srcRoot? }
 * srcRoot runs another copy of src/ (an earlier commit) for before/after comparisons.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { announce, childArgs, rmrf, ROOT } from '../lib/proc.ts';
import { FanoutTimer, serverStats } from '../lib/server-stats.ts';
import { entryBody } from '../lib/payload.ts';

interface Args {
  port: number;
  db: 'sqlite' | 'postgres';
  pgUrl?: string;
  entries?: number;
  srcRoot?: string;
}

const a = childArgs<Args>();
const src = a.srcRoot ?? path.join(ROOT, 'src');
const { loadConfig } = await import(path.join(src, 'config.ts'));
const { connect } = await import(path.join(src, 'db/connect.ts'));
const { migrateToLatest } = await import(path.join(src, 'db/migrate.ts'));
const { MemoryBus } = await import(path.join(src, 'live/bus.ts'));
const { LocalPresence } = await import(path.join(src, 'live/presence.ts'));
const { buildApp } = await import(path.join(src, 'app.ts'));
const { systemClock, iso } = await import(path.join(src, 'time.ts'));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-bench-'));
const schema = a.db === 'postgres' ? `bench_${process.pid}_${Date.now().toString(36)}` : undefined;
const env = {
  UNFOLD_DATA_DIR: dataDir,
  UNFOLD_DEMO: '0',
  HOST: '127.0.0.1',
  PORT: String(a.port),
  LOG_LEVEL: 'silent',
  // A fresh schema per run (PG_SCHEMA where the build knows it; connect() is told directly too).
  ...(a.db === 'postgres' ? { DATABASE_URL: a.pgUrl ?? 'postgres://postgres@127.0.0.1:5432/test', PG_SCHEMA: schema! } : {}),
};
const config = loadConfig(env);
const db = await connect({ dataDir, databaseUrl: config.databaseUrl, pgPoolMax: config.pgPoolMax, pgStatementTimeoutMs: config.pgStatementTimeoutMs, pgSchema: schema });

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  if (schema) await db.kysely.schema.dropSchema(schema).ifExists().cascade().execute().catch(() => {});
  await db.close().catch(() => {});
  rmrf(dataDir);
}

try {
  await migrateToLatest(db.kysely);
  const deps = { config, db, bus: new MemoryBus(), presence: new LocalPresence(), clock: systemClock };
  const { app, services } = await buildApp(deps);

  // Times each fan-out loop by wrapping the hub's (private) deliver, here and only here.
  const timer = new FanoutTimer();
  const hub = services.hub as unknown as { deliver: (...x: unknown[]) => void; readerCount: number };
  const deliver = hub.deliver;
  hub.deliver = function (...x: unknown[]) {
    timer.time(() => deliver.apply(this, x));
  };
  // A heap snapshot on demand, to see what each connected reader costs (bench/tools/heap-top.ts).
  app.get('/__bench/heap', async () => ({ file: (await import('node:v8')).writeHeapSnapshot(path.join(ROOT, '.tmp', `unfold-${Date.now()}.heapsnapshot`)) }));
  app.get('/__bench/stats', async (req: { query: { gc?: string } }) => serverStats(hub.readerCount, timer, req.query.gc === '1'));

  const now = iso(new Date());
  const editor = await services.users.create({ email: 'bench@bench.invalid', name: 'Bench Editor', role: 'editor', passwordHash: null }, now);
  const token = await services.users.createToken(editor.id, 'bench', now);
  const lb = await services.liveblogs.create(editor, { title: 'Bench live blog', status: 'live' });
  for (let i = 0; i < (a.entries ?? 0); i++) {
    await services.entries.create(editor, lb.id, { headline: `Seeded entry ${i + 1}`, body: entryBody(i) });
  }
  await app.listen({ port: a.port, host: '127.0.0.1', backlog: 4096 });

  const stop = async () => {
    const force = setTimeout(() => process.exit(1), 10_000);
    await app.close().catch(() => {});
    await cleanup();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  announce({ port: a.port, token, liveblogId: lb.id, slug: lb.slug, pid: process.pid, db: a.db });
} catch (err) {
  await cleanup();
  throw err;
}
