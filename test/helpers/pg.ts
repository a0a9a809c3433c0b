/**
 * The local PostgreSQL for tests (127.0.0.1:5432, trust auth, database `test`) and a
 * fresh schema per run, so runs never collide. Without the server a test skips with a
 * reason; with CI=true it fails instead.
 */
import pg from 'pg';

const HOST = '127.0.0.1:5432';
const DATABASE = 'test';
const USERS = ['postgres', 'root'];

let found: Promise<string | null> | null = null;

async function tryUrl(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** The URL of the test database, or null when no PostgreSQL answers. */
export function pgBaseUrl(): Promise<string | null> {
  found ??= (async () => {
    for (const user of USERS) {
      const url = `postgres://${user}@${HOST}/${DATABASE}`;
      if (await tryUrl(url)) return url;
    }
    return null;
  })();
  return found;
}

/** `skip` for node:test: a reason when PostgreSQL is missing outside CI, false otherwise. Throws in CI. */
export async function pgSkip(): Promise<string | false> {
  if (await pgBaseUrl()) return false;
  const why = `PostgreSQL is not reachable at ${HOST} (database "${DATABASE}", user postgres or root)`;
  if (process.env.CI === 'true') throw new Error(`${why}; CI=true requires it (run .ci/services.sh)`);
  return `${why}: skipped`;
}

export interface PgSchema {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/** A fresh, empty schema name (created on first connect) and a way to drop it with all its tables. */
export async function freshSchema(): Promise<PgSchema> {
  const url = await pgBaseUrl();
  if (!url) throw new Error('PostgreSQL is not reachable');
  const schema = `unfold_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    url,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await c.end().catch(() => {});
      }
    },
  };
}
