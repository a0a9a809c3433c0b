/**
 * Every setting Unfold reads, in one place: each key has a doc line, a default and
 * the environment variable it comes from. It is validated at boot and frozen; nothing
 * else in the code reads process.env.
 */
import path from 'node:path';
import { isEmail } from './auth/email.ts';

export interface Config {
  /** TCP port to listen on (PORT). */
  readonly port: number;
  /** Interface to bind (HOST). */
  readonly host: string;
  /** The public origin readers use, without a trailing slash (PUBLIC_URL). */
  readonly publicUrl: string;
  /** Folder of the SQLite file and other local state (UNFOLD_DATA_DIR). */
  readonly dataDir: string;
  /** postgres://… selects PostgreSQL; empty means SQLite in dataDir (DATABASE_URL). */
  readonly databaseUrl: string | null;
  /** redis://… selects the Redis bus; empty means the in-process bus (REDIS_URL). */
  readonly redisUrl: string | null;
  /** First admin, created at start when no user exists (UNFOLD_ADMIN_EMAIL / _PASSWORD). */
  readonly adminEmail: string | null;
  readonly adminPassword: string | null;
  /** Load the demo live blog into an empty database (UNFOLD_DEMO, default 1). */
  readonly demo: boolean;
  /** pino level (LOG_LEVEL). */
  readonly logLevel: string;
  /** Heartbeat comment interval on streams, ms (UNFOLD_HEARTBEAT_MS, ≤ 25000). */
  readonly heartbeatMs: number;
  /** A reader whose unsent bytes pass this bound is dropped (UNFOLD_STREAM_MAX_BUFFER). */
  readonly streamMaxBuffer: number;
  /** How often each stream hub checks the change log for missed changes, ms (UNFOLD_RESYNC_MS). */
  readonly resyncMs: number;
  /** PostgreSQL pool size (PG_POOL_MAX) and statement timeout in ms (PG_STATEMENT_TIMEOUT_MS). */
  readonly pgPoolMax: number;
  readonly pgStatementTimeoutMs: number;
  /** PostgreSQL schema for all tables, created if missing; empty means the server's default (PG_SCHEMA). Tests and side-by-side installs use their own. */
  readonly pgSchema: string | null;
  /** Prefix of every Redis key and channel, so installs can share one Redis (REDIS_PREFIX, default "unfold:"). */
  readonly redisPrefix: string;
  /** Distinguishes nodes in logs and shared presence (UNFOLD_NODE_ID, default host:port). */
  readonly nodeId: string;
  /**
   * Which proxies may set X-Forwarded-For (TRUST_PROXY): empty = none (the socket's address
   * is the client's), "true" = any, a number = that many hops, else a comma-separated list
   * of addresses/CIDRs. Off by default: otherwise any client could pick its own address
   * and walk around per-address limits.
   */
  readonly trustProxy: boolean | number | string;
  /** Days the change log keeps changes for replay (UNFOLD_CHANGE_RETENTION_DAYS). */
  readonly changeRetentionDays: number;
  /**
   * Server processes on this box (UNFOLD_WORKERS, or `serve --workers N`; default 1). More
   * than one shares the port through node:cluster and needs REDIS_URL (src/cluster/).
   */
  readonly workers: number;
  /** Set by the primary for each worker it forks (UNFOLD_WORKER_INDEX, 1…N); 0 otherwise. Not for operators. */
  readonly workerIndex: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export const MAX_WORKERS = 256;

/** A worker count from UNFOLD_WORKERS or `--workers` (`name` says which, for the message). */
export function parseWorkers(raw: string | undefined, name: string): number {
  return int({ [name]: raw }, name, 1, 1, MAX_WORKERS);
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    // The message reaches logs: never echo a password.
    throw new ConfigError(`${name} is not a valid URL: "${raw.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@')}"`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => p + '//').join(' or ')}, got "${u.protocol}//"`);
  }
  return raw;
}

function trustProxy(env: Env): boolean | number | string {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[0-9a-fA-F:.\/]+(\s*,\s*[0-9a-fA-F:.\/]+)*$/.test(raw)) {
    throw new ConfigError(`TRUST_PROXY must be true, a hop count, or addresses/CIDRs separated by commas; got "${raw}"`);
  }
  return raw;
}

function pgSchema(env: Env): string | null {
  const raw = env.PG_SCHEMA;
  if (raw === undefined || raw === '') return null;
  // It goes into search_path and CREATE SCHEMA, so only plain lower-case identifiers.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new ConfigError(`PG_SCHEMA must be a lower-case identifier (a-z, 0-9, _), got "${raw}"`);
  return raw;
}

/** Reads and validates the configuration; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://${host}:${port}`).replace(/\/+$/, '');
  const demoRaw = env.UNFOLD_DEMO ?? '1';
  if (!['0', '1', 'true', 'false'].includes(demoRaw)) throw new ConfigError(`UNFOLD_DEMO must be 0 or 1, got "${demoRaw}"`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  const adminEmail = env.UNFOLD_ADMIN_EMAIL || null;
  const adminPassword = env.UNFOLD_ADMIN_PASSWORD || null;
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError('UNFOLD_ADMIN_EMAIL and UNFOLD_ADMIN_PASSWORD must be set together');
  }
  if (adminEmail !== null && !isEmail(adminEmail)) {
    throw new ConfigError(`UNFOLD_ADMIN_EMAIL is not an email address: "${adminEmail}"`);
  }
  if (adminPassword !== null && adminPassword.length < 8) {
    throw new ConfigError('UNFOLD_ADMIN_PASSWORD must have at least 8 characters');
  }
  return Object.freeze({
    port,
    host,
    publicUrl,
    dataDir: path.resolve(env.UNFOLD_DATA_DIR || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    adminEmail,
    adminPassword,
    demo: demoRaw === '1' || demoRaw === 'true',
    logLevel,
    heartbeatMs: int(env, 'UNFOLD_HEARTBEAT_MS', 20_000, 100, 25_000),
    streamMaxBuffer: int(env, 'UNFOLD_STREAM_MAX_BUFFER', 256 * 1024, 1024, 64 * 1024 * 1024),
    resyncMs: int(env, 'UNFOLD_RESYNC_MS', 5_000, 50, 600_000),
    pgPoolMax: int(env, 'PG_POOL_MAX', 10, 1, 1000),
    pgStatementTimeoutMs: int(env, 'PG_STATEMENT_TIMEOUT_MS', 5_000, 100, 600_000),
    pgSchema: pgSchema(env),
    redisPrefix: env.REDIS_PREFIX || 'unfold:',
    nodeId: env.UNFOLD_NODE_ID || `${host}:${port}`,
    trustProxy: trustProxy(env),
    changeRetentionDays: int(env, 'UNFOLD_CHANGE_RETENTION_DAYS', 30, 1, 3650),
    workers: parseWorkers(env.UNFOLD_WORKERS, 'UNFOLD_WORKERS'),
    workerIndex: int(env, 'UNFOLD_WORKER_INDEX', 0, 0, MAX_WORKERS),
  });
}
