/** Users and bearer tokens in the database. Tokens are stored only as SHA-256 hashes. */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, UserTable } from '../db/schema.ts';
import { newId, newSecret } from '../ids.ts';
import type { Role, User } from './roles.ts';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const toUser = (r: Pick<UserTable, 'id' | 'email' | 'name' | 'role'>): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
});

export class UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(u: { email: string; name: string; role: Role; passwordHash: string | null }, now: string): Promise<User> {
    const row = { id: newId(), email: u.email.toLowerCase(), name: u.name, role: u.role, password_hash: u.passwordHash, disabled: 0, created_at: now };
    await this.db.insertInto('users').values(row).execute();
    return toUser(row);
  }

  async byEmail(email: string): Promise<(User & { passwordHash: string | null; disabled: boolean }) | null> {
    const r = await this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    return r ? { ...toUser(r), passwordHash: r.password_hash, disabled: r.disabled === 1 } : null;
  }

  async byId(id: string): Promise<User | null> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).where('disabled', '=', 0).executeTakeFirst();
    return r ? toUser(r) : null;
  }

  /** Creates a token and returns its secret: the only time the secret exists outside the caller. */
  async createToken(userId: string, label: string, now: string): Promise<string> {
    return (await this.issueToken(userId, label, now)).token;
  }

  /** Like createToken, with the token's id for the API's listing. */
  async issueToken(userId: string, label: string, now: string): Promise<TokenInfo & { token: string }> {
    const secret = `unf_${newSecret()}`;
    const id = newId();
    await this.db
      .insertInto('tokens')
      .values({ id, user_id: userId, label, token_hash: hashToken(secret), created_at: now, last_used_at: null, revoked_at: null })
      .execute();
    return { id, label, createdAt: now, lastUsedAt: null, revokedAt: null, token: secret };
  }

  /** The user a live token acts as, or null (unknown, revoked, or user disabled). */
  async userForToken(secret: string): Promise<{ user: User; tokenId: string; lastUsedAt: string | null } | null> {
    // Plain SQL: every API write runs it, and building the query cost more than running it (bench/notes.md, fix 13).
    type Row = Pick<UserTable, 'id' | 'email' | 'name' | 'role'> & { tokenId: string; last_used_at: string | null };
    const { rows } = await sql<Row>`
      select users.id, users.email, users.name, users.role, tokens.id as "tokenId", tokens.last_used_at
      from tokens join users on users.id = tokens.user_id
      where tokens.token_hash = ${hashToken(secret)} and tokens.revoked_at is null and users.disabled = 0`.execute(this.db);
    const r = rows[0];
    return r ? { user: toUser(r), tokenId: r.tokenId, lastUsedAt: r.last_used_at } : null;
  }

  async touchToken(tokenId: string, now: string): Promise<void> {
    await this.db.updateTable('tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
  }

  /** A user's tokens, newest first, without their secrets (only hashes are stored). */
  async listTokens(userId: string): Promise<TokenInfo[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .select(['id', 'label', 'created_at', 'last_used_at', 'revoked_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({ id: r.id, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
  }

  /** Revokes one of the user's tokens; false when it is not theirs or already revoked. */
  async revokeToken(userId: string, tokenId: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('tokens')
      .set({ revoked_at: now })
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async list(): Promise<(User & { disabled: boolean; createdAt: string })[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
    return rows.map((r) => ({ ...toUser(r), disabled: r.disabled === 1, createdAt: r.created_at }));
  }

  async anyById(id: string): Promise<(User & { disabled: boolean; createdAt: string }) | null> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { ...toUser(r), disabled: r.disabled === 1, createdAt: r.created_at } : null;
  }

  async update(id: string, patch: { name?: string; role?: Role; disabled?: boolean; passwordHash?: string }): Promise<void> {
    const set: Partial<UserTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
    if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
    if (Object.keys(set).length) await this.db.updateTable('users').set(set).where('id', '=', id).execute();
  }

  /** Active admins other than `exceptId`: the desk never lets the last admin lock everyone out. */
  async otherActiveAdmins(exceptId: string): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .where('id', '!=', exceptId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

export interface TokenInfo {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
