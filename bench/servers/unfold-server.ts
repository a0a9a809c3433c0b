/**
 * Unfold under test: the real app (buildApp) on a fresh SQLite file or a fresh PostgreSQL
 * schema, with an editor token and one live blog (optionally seeded with entries). Only
 * this bench script adds GET /__bench/stats and /__bench/heap; the product's routes are
 * untouched.
 *
 * Arg (JSON): { port, db: 'sqlite'|'postgres', pgUrl?, entries?, srcRoot? }
 * srcRoot runs another copy of src/ (an earlier commit) for before/after comparisons.
 */
import { announce, childArgs } from '../lib/proc.ts';
import { serverStats } from '../lib/server-stats.ts';
import { freshDatabase, instrument, loadUnfold, seedLiveblog, type UnfoldArgs } from './unfold-setup.ts';

const a = childArgs<UnfoldArgs>();
const u = await loadUnfold(a);
const { config, db, cleanup } = await freshDatabase(u, a);

try {
  await u.migrateToLatest(db.kysely);
  const deps = { config, db, bus: new u.MemoryBus(), presence: new u.LocalPresence(), clock: u.systemClock };
  const { app, services } = await u.buildApp(deps);
  const { timer, hub } = instrument(app, services);
  app.get('/__bench/stats', async (req: { query: { gc?: string } }) => serverStats(hub.readerCount, timer, req.query.gc === '1'));
  const { token, lb, warm } = await seedLiveblog(u, services, a.entries);
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
  announce({ port: a.port, token, liveblogId: lb.id, warmLiveblogId: warm.id, slug: lb.slug, pid: process.pid, db: a.db });
} catch (err) {
  await cleanup();
  throw err;
}
