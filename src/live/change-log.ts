/**
 * The change log: every change of a live blog, in cursor order. It is written in the
 * same transaction as the change itself, so a committed change is always replayable.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, LiveblogTable } from '../db/schema.ts';

export type ChangeEvent =
  | 'entry.published'
  | 'entry.updated'
  | 'entry.deleted'
  | 'comment.published'
  | 'comment.removed'
  | 'liveblog.updated';

export interface Change {
  liveblogId: string;
  cursor: number;
  event: ChangeEvent;
  /** The SSE data line (one line of JSON), serialized once. */
  payload: string;
}

/** Takes the live blog's next cursor (takeCursor) and logs the change at it (logChange). */
export async function appendChange(
  trx: Transaction<Database>,
  liveblogId: string,
  event: ChangeEvent,
  /** The payload, or a function of the new cursor for payloads that carry it. */
  data: object | ((cursor: number) => object),
  now: string,
): Promise<Change> {
  const lb = await takeCursor(trx, liveblogId);
  if (!lb) throw new Error(`live blog ${liveblogId} is gone`);
  return logChange(trx, liveblogId, lb.cursor, event, data, now);
}

/** What takeCursor answers: the new cursor, and what a writer checks and links with. */
export type CursorRow = Pick<LiveblogTable, 'cursor' | 'slug' | 'status'>;

/**
 * The first half of appendChange: bumps the live blog's cursor and answers it with the
 * live blog's slug and status, or undefined if there is no such live blog. The UPDATE
 * locks the row until commit, so concurrent writers to one live blog queue here and the
 * cursor order is the commit order, on SQLite and on PostgreSQL alike (docs/decisions/001).
 * A write that must read the live blog anyway takes it from here: one statement, where
 * a read and then the bump were two (on PostgreSQL, two round trips).
 */
export async function takeCursor(trx: Transaction<Database>, liveblogId: string): Promise<CursorRow | undefined> {
  // Plain SQL here and in logChange: they run in every write, and building the query
  // cost more than running it (bench/notes.md, fix 13). Only the columns a writer uses:
  // every appendChange runs this, and most want the cursor alone, not the title and lead.
  const lb = (await sql<CursorRow>`update liveblogs set cursor = cursor + 1 where id = ${liveblogId} returning cursor, slug, status`.execute(trx)).rows[0];
  return lb && { ...lb, cursor: Number(lb.cursor) };
}

/** The second half of appendChange: logs the change at the cursor takeCursor gave. */
export async function logChange(
  trx: Transaction<Database>,
  liveblogId: string,
  cursor: number,
  event: ChangeEvent,
  data: object | ((cursor: number) => object),
  now: string,
): Promise<Change> {
  const value = typeof data === 'function' ? data(cursor) : data;
  const entryId = (value as { entry?: { id?: string } }).entry?.id ?? null;
  const payload = JSON.stringify(value);
  if (event === 'entry.deleted' && entryId) await redactEntry(trx, liveblogId, entryId, payload);
  await sql`insert into changes (liveblog_id, cursor, event, payload, created_at, entry_id) values (${liveblogId}, ${cursor}, ${event}, ${payload}, ${now}, ${entryId})`.execute(trx);
  return { liveblogId, cursor, event, payload };
}

/**
 * A deleted (or unpublished) entry is pulled from the log too: its earlier changes become
 * deletions of that id, so a replay from cursor 0 no longer carries its text. Readers
 * treat a deletion of an entry they never saw as nothing; cursors stay dense.
 */
async function redactEntry(trx: Transaction<Database>, liveblogId: string, entryId: string, payload: string): Promise<void> {
  await trx
    .updateTable('changes')
    .set({ event: 'entry.deleted', payload })
    .where('liveblog_id', '=', liveblogId)
    .where('entry_id', '=', entryId)
    .execute();
}

/** Changes after `after`, oldest first, at most `limit`. */
export async function changesAfter(
  db: Kysely<Database>,
  liveblogId: string,
  after: number,
  limit: number,
): Promise<Change[]> {
  const rows = await db
    .selectFrom('changes')
    .select(['cursor', 'event', 'payload'])
    .where('liveblog_id', '=', liveblogId)
    .where('cursor', '>', after)
    .orderBy('cursor', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ liveblogId, cursor: Number(r.cursor), event: r.event as ChangeEvent, payload: r.payload }));
}

/**
 * The oldest cursor still in the log and the live blog's current cursor. An empty log
 * (all pruned) reports `current + 1`: nothing before now can be replayed.
 */
export async function cursorBounds(
  db: Kysely<Database>,
  liveblogId: string,
): Promise<{ oldest: number; current: number } | null> {
  const lb = await db.selectFrom('liveblogs').select('cursor').where('id', '=', liveblogId).executeTakeFirst();
  if (!lb) return null;
  const min = await db
    .selectFrom('changes')
    .select((eb) => eb.fn.min('cursor').as('oldest'))
    .where('liveblog_id', '=', liveblogId)
    .executeTakeFirst();
  const current = Number(lb.cursor);
  return { oldest: min?.oldest == null ? current + 1 : Number(min.oldest), current };
}
