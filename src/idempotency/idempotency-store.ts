/**
 * Idempotency keys: a client that retries a POST with the same `Idempotency-Key` gets the
 * first answer back and nothing is created twice. The key is saved in the same
 * transaction as what it created, so "created" and "remembered" commit together. The desk
 * sends a key with every post, so both queries are plain SQL, like the rest of the write
 * path (bench/notes.md, fix 13).
 */
import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { conflict } from '../errors.ts';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

export const requestHash = (scope: string, body: unknown) =>
  createHash('sha256').update(scope).update('\0').update(JSON.stringify(body ?? null)).digest('hex');

/** The earlier answer for this key, or null; 409 when the key was used for a different request. */
export async function findIdempotent(
  trx: Transaction<Database>,
  userId: string,
  key: string,
  hash: string,
): Promise<StoredResponse | null> {
  const { rows } = await sql<Database['idempotency_keys']>`select * from idempotency_keys where user_id = ${userId} and "key" = ${key}`.execute(trx);
  const row = rows[0];
  if (!row) return null;
  if (row.request_hash !== hash) {
    throw conflict('This Idempotency-Key was already used for a different request.');
  }
  return { statusCode: row.status_code, body: JSON.parse(row.response) };
}

export async function saveIdempotent(
  trx: Transaction<Database>,
  userId: string,
  key: string,
  hash: string,
  res: StoredResponse,
  now: string,
): Promise<void> {
  await sql`insert into idempotency_keys (user_id, "key", request_hash, status_code, response, created_at)
            values (${userId}, ${key}, ${hash}, ${res.statusCode}, ${JSON.stringify(res.body)}, ${now})`.execute(trx);
}
