/**
 * Idempotency keys: a client that retries a POST with the same `Idempotency-Key` gets the
 * first answer back and nothing is created twice. The key is saved in the same
 * transaction as what it created, so "created" and "remembered" commit together.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
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
  const row = await trx
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
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
  await trx
    .insertInto('idempotency_keys')
    .values({ user_id: userId, key, request_hash: hash, status_code: res.statusCode, response: JSON.stringify(res.body), created_at: now })
    .execute();
}
