/** SQL for entries and their revisions: Kysely's builder, or plain SQL that runs alike on SQLite and PostgreSQL. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, EntryTable } from '../db/schema.ts';
import type { EntryRow } from './entry-view.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** Every column of an entry, in one order for the insert's names and values. */
const ENTRY_COLUMNS = [
  'id', 'liveblog_id', 'headline', 'body', 'html', 'key_event', 'pinned', 'status', 'author_id', 'published_at',
  'created_at', 'updated_at', 'revision', 'verification', 'verification_note', 'correction_note', 'correction_at',
  'return_note', 'edited_by',
] as const satisfies readonly (keyof EntryTable)[];
// A column added to EntryTable but not to the list above fails `npm run typecheck` (part of `npm test`) here.
const coversEveryColumn: Exclude<keyof EntryTable, (typeof ENTRY_COLUMNS)[number]> extends never ? true : never = true;
void coversEveryColumn;
const INSERT_COLUMNS = sql.raw(ENTRY_COLUMNS.join(', '));

const withAuthor = (db: Q) =>
  db
    .selectFrom('entries')
    .innerJoin('users', 'users.id', 'entries.author_id')
    .selectAll('entries')
    .select('users.name as author_name');

export const entryStore = {
  byId: (db: Q, liveblogId: string, id: string): Promise<EntryRow | undefined> =>
    withAuthor(db).where('entries.id', '=', id).where('entries.liveblog_id', '=', liveblogId).executeTakeFirst(),

  /** Any entry by id, for short links. */
  find: (db: Q, id: string) => db.selectFrom('entries').select(['id', 'liveblog_id', 'status']).where('id', '=', id).executeTakeFirst(),

  /**
   * Entries newest first, strictly before the (publishedAt, id) pair when given.
   * Readers get `published`; the desk also lists drafts and submissions, a contributor only their own.
   */
  page(
    db: Q,
    liveblogId: string,
    limit: number,
    before?: { publishedAt: string; id: string },
    filter: { status: EntryTable['status']; authorId?: string } = { status: 'published' },
  ): Promise<EntryRow[]> {
    let q = withAuthor(db).where('entries.liveblog_id', '=', liveblogId).where('entries.status', '=', filter.status);
    if (filter.authorId) q = q.where('entries.author_id', '=', filter.authorId);
    if (before) {
      q = q.where((eb) =>
        eb.or([
          eb('entries.published_at', '<', before.publishedAt),
          eb.and([eb('entries.published_at', '=', before.publishedAt), eb('entries.id', '<', before.id)]),
        ]),
      );
    }
    return q.orderBy('entries.published_at', 'desc').orderBy('entries.id', 'desc').limit(limit).execute();
  },

  /** Plain SQL: every new entry runs it, and with cold caches the builder cost more than the insert (bench/notes.md, fix 17). */
  insert: (db: Q, row: EntryTable) =>
    sql`insert into entries (${INSERT_COLUMNS}) values (${sql.join(ENTRY_COLUMNS.map((c) => row[c]))})`.execute(db),

  /**
   * How many entries the desk's queues hold, their latest change and the sum of their
   * revisions: submissions (every author's with `allSubmissions`, else the user's own)
   * and the user's own drafts. Any save, submission, return, publish or delete in those
   * lists moves at least one of the three.
   */
  queueStats: (db: Q, liveblogId: string, userId: string, allSubmissions: boolean) =>
    db
      .selectFrom('entries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('at'), eb.fn.sum<number>('revision').as('revisions')])
      .where('liveblog_id', '=', liveblogId)
      .where((eb) =>
        allSubmissions
          ? eb.or([eb('status', '=', 'submitted'), eb.and([eb('status', '=', 'draft'), eb('author_id', '=', userId)])])
          : eb.and([eb('status', 'in', ['draft', 'submitted']), eb('author_id', '=', userId)]),
      )
      .executeTakeFirstOrThrow(),

  /** Applies `patch` only if the entry is still at `revision`; false when someone else got there first. */
  async updateAtRevision(db: Q, id: string, revision: number, patch: Partial<EntryTable>): Promise<boolean> {
    const r = await db
      .updateTable('entries')
      .set({ ...patch, revision: sql`revision + 1` })
      .where('id', '=', id)
      .where('revision', '=', revision)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  saveRevision: (db: Q, r: Database['entry_revisions']) => db.insertInto('entry_revisions').values(r).execute(),

  async remove(db: Q, id: string): Promise<void> {
    await db.deleteFrom('entry_revisions').where('entry_id', '=', id).execute();
    await db.deleteFrom('entries').where('id', '=', id).execute();
  },
};
