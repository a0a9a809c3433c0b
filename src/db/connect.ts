/**
 * Opens the database chosen by the configuration: SQLite (one file in the data folder)
 * or PostgreSQL (DATABASE_URL). This is the only place that knows which one it is;
 * everything else speaks Kysely to the `Database` types.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, SqliteDialect, SqliteDriver, PostgresDialect, CompiledQuery, sql, type DatabaseConnection, type DatabaseIntrospector, type Driver, type SqliteDialectConfig } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Database } from './schema.ts';
import { Lru } from '../lru.ts';

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
  // Several processes may write one file (`serve --workers N`): a writer waits up to 5 s
  // for another's lock instead of failing with SQLITE_BUSY.
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }) });
  return {
    kysely,
    dialect: 'sqlite',
    ping: async () => {
      database.prepare('select 1').get();
    },
    close: () => kysely.destroy(),
  };
}

/**
 * Kysely's SQLite driver prepares every query anew: SQLite compiles the same SQL again
 * each time (`prepare` showed in the profiles of the write path and of stream connects;
 * a write's time is still its fsync). Statements are kept by their SQL text and reused: the
 * driver runs each to completion at once (better-sqlite3 is synchronous), except a
 * streamed select, which keeps its statement `busy` — that one gets a fresh statement.
 * Bounded, since `in (…)` lists make SQL texts of many lengths.
 */
function withStatementCache(db: SQLite.Database): SqliteDialectConfig['database'] {
  const statements = new Lru<SQLite.Statement>(300);
  return {
    prepare(text: string) {
      let stmt = statements.get(text);
      if (stmt === undefined || stmt.busy) {
        stmt = db.prepare(text);
        statements.set(text, stmt);
      }
      return stmt;
    },
    close: () => db.close(),
  };
}

/**
 * Transactions start with BEGIN IMMEDIATE, taking the write lock up front. Kysely's plain
 * BEGIN defers it to the first write; a transaction that reads first (the live blog, an
 * idempotency key) and then writes, while another process holds or has just released the
 * lock, gets SQLITE_BUSY at once: SQLite calls no busy handler for a read that upgrades,
 * since waiting could deadlock or leave it writing over a stale snapshot. Within one
 * process Kysely already serializes everything on its single connection, so this costs
 * nothing there.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly cfg: SqliteDialectConfig) {
    super(cfg);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.cfg);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's Postgres introspector lists the tables of every schema, so its migrator would
 * take another schema's `kysely_migration` (tests run side by side in one database) for
 * ours. This dialect only shows the schema we work in.
 */
class OneSchemaPostgresDialect extends PostgresDialect {
  constructor(config: ConstructorParameters<typeof PostgresDialect>[0], private readonly schema: string) {
    super(config);
  }
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const inner = super.createIntrospector(db);
    const schema = this.schema;
    return {
      getSchemas: () => inner.getSchemas(),
      getTables: async (o) => (await inner.getTables(o)).filter((t) => t.schema === schema),
      getMetadata: async (o) => ({ tables: (await inner.getMetadata(o)).tables.filter((t) => t.schema === schema) }),
    };
  }
}

/** One line that says what failed and where, without the password. */
function describePgError(url: string, err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
  // Node reports a refused "localhost" (IPv4 and IPv6) as an AggregateError with an empty message.
  const why = (e.message || e.errors?.map((x) => x.message).join('; ') || e.code || String(err)).split('\n')[0];
  let where = 'the DATABASE_URL server';
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    // config.ts validated the URL; keep the generic name if pg parses it differently.
  }
  return `cannot reach PostgreSQL at ${where}: ${why}`;
}

async function connectPostgres(url: string, opts: ConnectOptions): Promise<Db> {
  const wanted = opts.pgSchema;
  if (wanted !== undefined && !/^[a-z_][a-z0-9_]*$/.test(wanted)) throw new Error(`bad schema name ${wanted}`);
  const statementTimeout = opts.pgStatementTimeoutMs ?? 5000;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.pgPoolMax ?? 10,
    statement_timeout: statementTimeout,
    // The server enforces statement_timeout; this client-side bound also covers a network
    // that silently drops packets, so a request never hangs on a dead connection.
    query_timeout: statementTimeout + 2000,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    options: wanted ? `-c search_path=${wanted}` : undefined,
  });
  // A client that loses its server emits 'error': on the pool when idle, on the client
  // itself when checked out (mid-transaction, say), where pg-pool listens for nothing.
  // Unheard, either kills the process; the query in flight still rejects, and the pool
  // drops the dead client (it is no longer queryable) when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  let schema: string;
  try {
    const client = await pool.connect();
    try {
      if (wanted) await createSchema(client, wanted);
      schema = wanted ?? (await client.query<{ s: string | null }>('select current_schema() as s')).rows[0].s ?? 'public';
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(describePgError(url, err));
  }
  const kysely = new Kysely<Database>({ dialect: new OneSchemaPostgresDialect({ pool }, schema) });
  return {
    kysely,
    dialect: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    close: () => kysely.destroy(),
  };
}

/** CREATE SCHEMA IF NOT EXISTS can still fail when several nodes start at once; then it exists. */
async function createSchema(client: pg.PoolClient, schema: string): Promise<void> {
  try {
    await client.query(`create schema if not exists ${schema}`);
  } catch (err) {
    const r = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
    if (r.rowCount === 0) throw err;
  }
}
