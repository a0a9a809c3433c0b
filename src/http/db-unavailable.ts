/**
 * Tells a database that cannot be reached (down, restarting, network cut, pool exhausted)
 * from a bad query: the first is 503 with Retry-After, the client retries; the second
 * stays a 500 that someone must look at.
 */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATE: class 08 connection exception; 57P01-03 shutdown / cannot connect now; 53300 too many connections; 57014 statement timeout.
const PG_STATES = /^(08...|57P0[123]|53300|57014)$/;
// pg and pg-pool report a lost or never-made connection only by message.
const MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended|Client was closed/i;
// better-sqlite3: another process holds the lock longer than busy_timeout.
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

export function isDbUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (NODE_CODES.has(e.code) || PG_STATES.test(e.code) || SQLITE_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDbUnavailable(x, depth + 1))) return true;
  return isDbUnavailable(e.cause, depth + 1);
}
