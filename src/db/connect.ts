/**
 * Opens the database chosen by the configuration: SQLite (one file in the data folder)
 * or PostgreSQL (DATABASE_URL). This is the only place that knows which one it is;
 * everything else speaks Kysely to the `Database` types.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, SqliteDialect, PostgresDialect, sql } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** A cheap round trip, for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  dataDir: string;
  databaseUrl: string | null;
  pgPoolMax?: number;
  pgStatementTimeoutMs?: number;
  /** PostgreSQL schema to use (created if missing); tests use a fresh one per run. */
  pgSchema?: string;
  /** SQLite file name inside dataDir, or ':memory:'. */
  sqliteFile?: string;
}

// PostgreSQL returns BIGINT (cursors) as strings; they stay far below 2^53, so parse them.
pg.types.setTypeParser(20, (v) => Number(v));

export async function connect(opts: ConnectOptions): Promise<Db> {
  return opts.databaseUrl ? connectPostgres(opts.databaseUrl, opts) : connectSqlite(opts);
}

function connectSqlite(opts: ConnectOptions): Db {
  const file = opts.sqliteFile ?? 'unfold.sqlite';
  let database: SQLite.Database;
  if (file === ':memory:') {
    database = new SQLite(':memory:');
  } else {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    database = new SQLite(path.join(opts.dataDir, file));
  }
  database.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives a power cut too, not only a process crash.
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    kysely,
    dialect: 'sqlite',
    ping: async () => {
      database.prepare('select 1').get();
    },
    close: () => kysely.destroy(),
  };
}

async function connectPostgres(url: string, opts: ConnectOptions): Promise<Db> {
  const schema = opts.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.pgPoolMax ?? 10,
    statement_timeout: opts.pgStatementTimeoutMs ?? 5000,
    connectionTimeoutMillis: 3000,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    const u = new URL(url);
    throw new Error(`cannot reach PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}: ${(err as Error).message}`);
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    close: () => kysely.destroy(),
  };
}
