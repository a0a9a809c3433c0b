/**
 * `unfold serve --workers N` (or UNFOLD_WORKERS=N): N server processes on one port, so one
 * box uses all its cores and holds more sockets than one process may open. The primary
 * prepares the database once, forks the workers (node:cluster hands them connections in
 * turn), replaces one that dies, and passes SIGTERM/SIGINT on. Workers share the change
 * bus, reader counts, rate limits and desk presence through Redis exactly as separate
 * nodes do (runtime.ts), which is why N > 1 needs REDIS_URL: there is no other bus
 * between them.
 */
import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import { ConfigError, type Config } from '../config.ts';
import { openDeps } from '../runtime.ts';
import { buildApp } from '../app.ts';
import { loadStartupData, serve } from '../server.ts';

/** Give workers this long to finish in-flight requests (their own bound is 10 s), then kill them. */
const STOP_BOUND_MS = 15_000;
/** A replacement for a worker that lived less than this waits a little: no crash loop at full speed. */
const QUICK_DEATH_MS = 10_000;
const RESTART_DELAY_MS = 2_000;

/** True in a process forked by runPrimary (a cluster worker started by someone else, e.g. pm2, is not ours). */
export function isOurWorker(config: Config): boolean {
  return cluster.isWorker && config.workerIndex > 0;
}

/** A worker: the normal server, without the start-up data the primary loaded; only worker 1 sweeps. */
export function serveWorker(config: Config): Promise<void> {
  return serve(config, { startupData: false, retention: config.workerIndex === 1 });
}

/**
 * Migrations, first admin and demo once, before any worker starts (they would race on an
 * empty database). Returns the demo's slug when it was loaded now.
 */
async function prepareOnce(config: Config, log: pino.Logger): Promise<string | null> {
  // Without Redis: no worker listens yet, and they read what this wrote from the database.
  const deps = await openDeps({ ...config, redisUrl: null }); // opening migrates
  try {
    const { app, services } = await buildApp(deps);
    try {
      return await loadStartupData(deps, services, log);
    } finally {
      await app.close();
    }
  } finally {
    await deps.close();
  }
}

/** The primary: `source` names where the count came from (`--workers 4`), for messages. */
export async function runPrimary(config: Config, count: number, source: string): Promise<void> {
  if (!config.redisUrl) {
    throw new ConfigError(`${source} needs REDIS_URL: workers share the change bus, reader counts and rate limits through Redis`);
  }
  const log = pino({ level: config.logLevel, base: { node: `${config.nodeId}-primary` } });
  const demoSlug = await prepareOnce(config, log);

  // Round-robin is Node's default on Linux but not on Windows; say it, as the design relies on it.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const slots = new Map<number, Worker>();
  const everUp = new Set<number>();
  let stopping = false;
  let failed = false;
  let forwarded: NodeJS.Signals = 'SIGTERM';
  let announced = false;

  const fork = (i: number) => {
    // Its own node id, so Redis presence keeps one reader count per worker.
    const w = cluster.fork({ UNFOLD_NODE_ID: `${config.nodeId}-w${i}`, UNFOLD_WORKER_INDEX: String(i) });
    const startedAt = Date.now();
    slots.set(i, w);
    w.once('listening', () => {
      log.info({ worker: i, pid: w.process.pid }, `worker ${i} is listening`);
      everUp.add(i);
      if (!announced && everUp.size === count) {
        announced = true;
        log.info(`Unfold is serving ${config.publicUrl}${demoSlug ? `/live/${demoSlug}` : '/'} with ${count} workers`);
      }
    });
    w.once('exit', (code, signal) => {
      if (slots.get(i) === w) slots.delete(i);
      const why = signal ? `signal ${signal}` : `code ${code}`;
      if (stopping) {
        if (code !== 0 && signal !== forwarded) failed = true;
        if (slots.size === 0) finish();
        return;
      }
      if (!everUp.has(i)) {
        // It never served: the configuration or the database is wrong, and so it would be for every try.
        log.error({ worker: i, code, signal }, `worker ${i} exited (${why}) before it was listening; stopping`);
        failed = true;
        stop('SIGTERM');
        return;
      }
      const delay = Date.now() - startedAt < QUICK_DEATH_MS ? RESTART_DELAY_MS : 0;
      log.error({ worker: i, pid: w.process.pid, code, signal }, `worker ${i} died (${why}); starting a replacement`);
      setTimeout(() => {
        if (!stopping) fork(i);
      }, delay);
    });
  };

  const finish = () => {
    log.info(failed ? 'workers stopped, not all cleanly' : 'all workers stopped');
    process.exit(failed ? 1 : 0);
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    forwarded = signal;
    log.info({ signal }, `shutting down: passing ${signal} to ${slots.size} workers`);
    if (slots.size === 0) return finish();
    // Each worker closes gracefully (server.ts): stops accepting, ends streams, waits for writes.
    for (const w of slots.values()) w.process.kill(signal);
    setTimeout(() => {
      log.error(`workers still running after ${STOP_BOUND_MS} ms; killing them`);
      for (const w of slots.values()) w.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_BOUND_MS);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  log.info(`starting ${count} workers`);
  for (let i = 1; i <= count; i++) fork(i);
}
