/**
 * Backstop for input the schemas let through but the database refuses: a value too long
 * for its column or otherwise malformed (SQLSTATE class 22) is the client's 400; a
 * unique key taken by a concurrent request (23505, SQLite's UNIQUE/PRIMARY KEY) is a 409.
 * The transaction has rolled back, so nothing was changed. Never a 500.
 */
import { AppError, conflict, invalid } from '../errors.ts';

export function dbRejected(err: unknown): AppError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (/^22[0-9A-Z]{3}$/.test(code)) return invalid('A value is not acceptable to the database (too long, or malformed).');
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return conflict('This conflicts with a change made at the same moment; retry.');
  }
  return null;
}

/** True when a JSON value holds a NUL character anywhere: PostgreSQL text cannot store it. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1));
}
