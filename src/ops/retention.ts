/**
 * Keeps the tables that only grow from growing forever: idempotency keys live a day (a
 * client retries within minutes), changes live `changeDays` (a reader further behind
 * than that gets `event: reset` and reloads the page). Every node may run it: the
 * deletes are idempotent.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export async function sweep(db: Kysely<Database>, now: Date, changeDays: number): Promise<{ keys: number; changes: number }> {
  const keys = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString())
    .executeTakeFirst();
  const changes = await db
    .deleteFrom('changes')
    .where('created_at', '<', new Date(now.getTime() - changeDays * 24 * 3600_000).toISOString())
    .executeTakeFirst();
  return { keys: Number(keys.numDeletedRows), changes: Number(changes.numDeletedRows) };
}

/** Sweeps now and then every hour until the returned function is called. */
export function startRetention(db: Kysely<Database>, clock: () => Date, changeDays: number, log: { warn(o: unknown, m: string): void }): () => void {
  const run = () => void sweep(db, clock(), changeDays).catch((err) => log.warn({ err }, 'retention sweep failed; will retry'));
  const first = setTimeout(run, 60_000).unref();
  const every = setInterval(run, 3600_000).unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
