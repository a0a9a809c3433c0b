/** Listens, loads start-up data, and shuts down gracefully on SIGTERM/SIGINT. */
import type { Config } from './config.ts';
import { buildApp, type Services } from './app.ts';
import type { Deps } from './deps.ts';
import { openDeps } from './runtime.ts';
import { ensureAdmin, ensureDemo } from './bootstrap.ts';
import { startRetention } from './ops/retention.ts';

export interface ServeRole {
  /** Create the first admin and load the demo (a cluster's primary did it already for its workers). */
  startupData: boolean;
  /** Run the hourly change-log sweep (one process per box is enough: the deletes are shared). */
  retention: boolean;
}

const SINGLE: ServeRole = { startupData: true, retention: true };

/** First admin and demo live blog, logged; returns the demo's slug when it was loaded now. */
export async function loadStartupData(deps: Deps, services: Services, log: { info(o: object, m: string): void }): Promise<string | null> {
  if (await ensureAdmin(deps, services)) log.info({ email: deps.config.adminEmail }, 'created the first admin');
  const demo = await ensureDemo(deps, services);
  if (!demo) return null;
  log.info(
    { slug: demo.slug, imported: demo.imported, skipped: demo.skipped },
    `demo live blog loaded: ${demo.imported} entries; skipped ${demo.skipped.length} without text (${demo.skipped.map((s) => s.time).join(', ')})`,
  );
  return demo.slug;
}

export async function serve(config: Config, role: ServeRole = SINGLE): Promise<void> {
  const deps = await openDeps(config);
  const { app, services, state } = await buildApp(deps, {
    logger: { level: config.logLevel, base: { node: config.nodeId } },
  });
  const demoSlug = role.startupData ? await loadStartupData(deps, services, app.log) : null;
  await app.listen({ port: config.port, host: config.host });
  const stopRetention = role.retention ? startRetention(deps.db.kysely, deps.clock, config.changeRetentionDays, app.log) : () => {};
  app.log.info(`Unfold is serving ${config.publicUrl}${demoSlug ? `/live/${demoSlug}` : '/'}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    state.shuttingDown = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // app.close() stops accepting, ends the streams (preClose), waits for in-flight writes.
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    let code = 0;
    try {
      stopRetention();
      await app.close();
      await deps.close();
    } catch (err) {
      app.log.error({ err }, 'shutdown did not finish cleanly');
      code = 1;
    } finally {
      clearTimeout(force);
      process.exit(code);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
