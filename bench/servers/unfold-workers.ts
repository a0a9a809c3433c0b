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
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { childArgs, rmrf, ROOT } from '../lib/proc.ts';
import { freePort } from '../lib/net.ts';
import { entryBody } from '../lib/payload.ts';
import { FanoutTimer, serverStats } from '../lib/server-stats.ts';
import { isWorker, joinPrimary, runPrimary } from './cluster.ts';

interface Args {
  port: number;
  db: 'sqlite' | 'postgres';
  pgUrl?: string;
  entries?: number;
  srcRoot?: string;
  processes: number;
}

/** What the primary hands each worker (in BENCH_UNFOLD). */
interface Shared {
  env: Record<string, string>;
  schema?: string;
}

const a = childArgs<Args>();
const src = a.srcRoot ?? path.join(ROOT, 'src');
const { loadConfig } = await import(path.join(src, 'config.ts'));
const { buildApp } = await import(path.join(src, 'app.ts'));

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
  const { connect } = await import(path.join(src, 'db/connect.ts'));
  const { migrateToLatest } = await import(path.join(src, 'db/migrate.ts'));
  const { MemoryBus } = await import(path.join(src, 'live/bus.ts'));
  const { LocalPresence } = await import(path.join(src, 'live/presence.ts'));
  const { systemClock, iso } = await import(path.join(src, 'time.ts'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-bench-'));
  const schema = a.db === 'postgres' ? `bench_${process.pid}_${Date.now().toString(36)}` : undefined;
  const redis = await startRedis();
  const env: Record<string, string> = {
    UNFOLD_DATA_DIR: dataDir,
    UNFOLD_DEMO: '0',
    HOST: '127.0.0.1',
    PORT: String(a.port),
    LOG_LEVEL: 'silent',
    REDIS_URL: redis.url,
    REDIS_PREFIX: `bench${process.pid}:`,
    ...(a.db === 'postgres' ? { DATABASE_URL: a.pgUrl ?? 'postgres://postgres@127.0.0.1:5432/test', PG_SCHEMA: schema! } : {}),
  };
  const config = loadConfig(env);
  const db = await connect({ dataDir, databaseUrl: config.databaseUrl, pgPoolMax: config.pgPoolMax, pgStatementTimeoutMs: config.pgStatementTimeoutMs, pgSchema: schema });
  const cleanup = async () => {
    redis.stop();
    if (schema) await db.kysely.schema.dropSchema(schema).ifExists().cascade().execute().catch(() => {});
    await db.close().catch(() => {});
    rmrf(dataDir);
  };
  try {
    await migrateToLatest(db.kysely);
    // Set-up only: the workers serve with the Redis bus.
    const { app, services } = await buildApp({ config, db, bus: new MemoryBus(), presence: new LocalPresence(), clock: systemClock });
    const now = iso(new Date());
    const editor = await services.users.create({ email: 'bench@bench.invalid', name: 'Bench Editor', role: 'editor', passwordHash: null }, now);
    const token = await services.users.createToken(editor.id, 'bench', now);
    const lb = await services.liveblogs.create(editor, { title: 'Bench live blog', status: 'live' });
    for (let i = 0; i < (a.entries ?? 0); i++) {
      await services.entries.create(editor, lb.id, { headline: `Seeded entry ${i + 1}`, body: entryBody(i) });
    }
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
  const { openDeps } = await import(path.join(src, 'runtime.ts'));
  const config = loadConfig({ ...shared.env, UNFOLD_NODE_ID: `bench-w${process.env.BENCH_WORKER_INDEX}` });
  const deps = await openDeps(config);
  const { app, services } = await buildApp(deps);
  // As in unfold-server.ts: time each fan-out loop by wrapping the hub's (private) deliver.
  const timer = new FanoutTimer();
  const hub = services.hub as unknown as { deliver: (...x: unknown[]) => void; readerCount: number };
  const deliver = hub.deliver;
  hub.deliver = function (...x: unknown[]) {
    timer.time(() => deliver.apply(this, x));
  };
  const peer = joinPrimary({ local: (gc) => serverStats(hub.readerCount, timer, gc) });
  app.get('/__bench/heap', async () => ({ file: (await import('node:v8')).writeHeapSnapshot(path.join(ROOT, '.tmp', `unfold-${Date.now()}.heapsnapshot`)) }));
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
