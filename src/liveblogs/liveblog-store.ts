/** SQL for live blogs. Portable Kysely only: runs on SQLite and PostgreSQL. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, LiveblogTable } from '../db/schema.ts';

type Q = Kysely<Database> | Transaction<Database>;

export const liveblogStore = {
  /** Plain SQL: most writes read it in their transaction, and building the query cost more than running it (bench/notes.md, fix 13). */
  byId: async (db: Q, id: string): Promise<LiveblogTable | undefined> => (await sql<LiveblogTable>`select * from liveblogs where id = ${id}`.execute(db)).rows[0],

  bySlug: (db: Q, slug: string) => db.selectFrom('liveblogs').selectAll().where('slug', '=', slug).executeTakeFirst(),

  async slugTaken(db: Q, slug: string, exceptId?: string): Promise<boolean> {
    let q = db.selectFrom('liveblogs').select('id').where('slug', '=', slug);
    if (exceptId) q = q.where('id', '!=', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  },

  insert: (db: Q, row: LiveblogTable) => db.insertInto('liveblogs').values(row).execute(),

  update: (db: Q, id: string, patch: Partial<LiveblogTable>) =>
    db.updateTable('liveblogs').set(patch).where('id', '=', id).execute(),

  /** Newest first. `statuses` filters; drafts are passed only for staff. */
  list: (db: Q, statuses: LiveblogTable['status'][], limit: number) =>
    db
      .selectFrom('liveblogs')
      .selectAll()
      .where('status', 'in', statuses)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),
};
