/**
 * Cookie sessions in the database. The cookie carries a random secret; only its SHA-256
 * is stored, so a leaked database row cannot be replayed as a cookie. Each session has
 * its own CSRF token, handed to the page by GET /api/v1/session.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { newSecret } from '../ids.ts';
import type { User } from './roles.ts';
import { hashToken } from './user-store.ts';

/** How long a desk session lasts without a new sign-in: a long shift plus a night. */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

export interface Session {
  idHash: string;
  csrfToken: string;
  user: User;
  expiresAt: string;
}

export class SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Starts a session and returns the cookie's secret (never stored as such). */
  async create(userId: string, now: Date): Promise<{ secret: string; csrfToken: string }> {
    const secret = newSecret();
    const csrfToken = newSecret();
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashToken(secret),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
      })
      .execute();
    return { secret, csrfToken };
  }

  /** The live session for a cookie secret, or null (unknown, expired, or user disabled). */
  async find(secret: string, now: Date): Promise<Session | null> {
    const r = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.id_hash', 'sessions.csrf_token', 'sessions.expires_at', 'users.id', 'users.email', 'users.name', 'users.role'])
      .where('sessions.id_hash', '=', hashToken(secret))
      .where('sessions.expires_at', '>', now.toISOString())
      .where('users.disabled', '=', 0)
      .executeTakeFirst();
    if (!r) return null;
    return { idHash: r.id_hash, csrfToken: r.csrf_token, expiresAt: r.expires_at, user: { id: r.id, email: r.email, name: r.name, role: r.role } };
  }

  /** Pushes the expiry a full TTL ahead of `now`; returns the new expiry. */
  async extend(idHash: string, now: Date): Promise<string> {
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
    await this.db.updateTable('sessions').set({ expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
    return expiresAt;
  }

  async remove(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of a user (disabled, or role changed by an admin). */
  async removeForUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async purgeExpired(now: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
  }
}
