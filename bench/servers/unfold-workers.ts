/**
 * Unfold under test as K worker processes on one port, as `unfold serve --workers K` runs
 * it: one SQLite file (or PostgreSQL schema), the Redis bus, presence and rate limits
 * between the workers (here a private redis-server started for the run, whose CPU and
 * memory count as the server's), each worker the real app (buildApp on openDeps). The
 * primary prepares the database once (editor token, live blog) like unfold-server.ts;
 * the workers add the bench-only /__bench routes, whose stats are summed over all
 * processes (cluster.ts).
 *
 * Arg (JSON): { port, db: 'sqlite'|'postgres', pgUrl?, entries?, srcRoot?, processes }
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { childArgs } from '../lib/proc.ts';
import { freePort } from '../lib/net.ts';
import { serverStats } from '../lib/server-stats.ts';
import { isWorker, joinPrimary, runPrimary } from './cluster.ts';
import { freshDatabase, instrument, loadUnfold, seedLiveblog, type UnfoldArgs } from './unfold-setup.ts';

interface Args extends UnfoldArgs {
  processes: number;
}

/** What the primary hands each worker (in BENCH_UNFOLD). */
interface Shared {
  env: Record<string, string>;
  schema?: string;
}

const a = childArgs<Args>();
const u = await loadUnfold(a);

if (isWorker()) await worker(JSON.parse(process.env.BENCH_UNFOLD!) as Shared);
else await primary();

async function startRedis(): Promise<{ url: string; pid: number; stop(): void }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--maxclients', '1000'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode})`);
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => s.end(() => r(true)));
      s.on('error', () => r(false));
    });
    if (up) return { url: `redis://127.0.0.1:${port}`, pid: proc.pid!, stop: () => proc.kill('SIGKILL') };
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error('redis-server did not start within 10 s');
}

async function primary(): Promise<void> {
  const redis = await startRedis();
  const { env, schema, config, db, cleanup: dropDatabase } = await freshDatabase(u, a, { REDIS_URL: redis.url, REDIS_PREFIX: `bench${process.pid}:` });
  const cleanup = async () => {
    redis.stop();
    await dropDatabase();
  };
  try {
    await u.migrateToLatest(db.kysely);
    // Set-up only: the workers serve with the Redis bus.
    const { app, services } = await u.buildApp({ config, db, bus: new u.MemoryBus(), presence: new u.LocalPresence(), clock: u.systemClock });
    const { token, lb } = await seedLiveblog(u, services, a.entries);
    await app.close();
    runPrimary({
      workers: a.processes,
      env: { BENCH_UNFOLD: JSON.stringify({ env, schema } satisfies Shared) },
      info: { port: a.port, token, liveblogId: lb.id, slug: lb.slug, db: a.db, redisPid: redis.pid },
      helperPids: [redis.pid],
      cleanup,
    });
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function worker(shared: Shared): Promise<void> {
  const { openDeps } = await import(path.join(u.src, 'runtime.ts'));
  const config = u.loadConfig({ ...shared.env, UNFOLD_NODE_ID: `bench-w${process.env.BENCH_WORKER_INDEX}` });
  const deps = await openDeps(config);
  const { app, services } = await u.buildApp(deps);
  const { timer, hub } = instrument(app, services);
  const peer = joinPrimary({ local: (gc) => serverStats(hub.readerCount, timer, gc) });
  app.get('/__bench/stats', async (req: { query: { gc?: string } }) => peer.stats(req.query.gc === '1'));
  await app.listen({ port: a.port, host: '127.0.0.1', backlog: 4096 });
  const stop = async () => {
    const force = setTimeout(() => process.exit(1), 8_000);
    await app.close().catch(() => {});
    await deps.close().catch(() => {});
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
