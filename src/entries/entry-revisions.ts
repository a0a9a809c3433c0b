/**
 * Corrections in the open: every earlier revision of an entry is kept in entry_revisions
 * (the current one lives in `entries`), each with who made it, when, whether it was a
 * correction, and its verification label. Readers may read the published part of it.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, EntryRevisionTable, Verification } from '../db/schema.ts';
import type { EntryRow } from './entry-view.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** One item of GET …/entries/{id}/revisions: the one declaration; the desk and the reader import it as a type. */
export interface Revision {
  revision: number;
  headline: string | null;
  body: string;
  html: string;
  editedAt: string;
  editedBy: { id: string; name: string };
  /** The correction note when this revision was marked as a correction. */
  correction: string | null;
  verification: Verification | null;
  verificationNote: string | null;
  status: string;
}

/**
 * The current revision as a row to keep. A correction belongs to the revision that
 * made it: correction_at and updated_at are written with the same `now`, so they are
 * equal exactly while the correcting revision is the current one.
 */
export function snapshot(cur: EntryRow): EntryRevisionTable {
  return {
    entry_id: cur.id,
    revision: cur.revision,
    headline: cur.headline,
    body: cur.body,
    html: cur.html,
    edited_by: cur.edited_by ?? cur.author_id,
    edited_at: cur.updated_at,
    correction: cur.correction_at !== null && cur.correction_at === cur.updated_at ? cur.correction_note : null,
    verification: cur.verification,
    verification_note: cur.verification_note,
    status: cur.status,
  };
}

/** Every revision, oldest first, the current one last; `publicOnly` keeps those readers saw. */
export async function listRevisions(db: Q, cur: EntryRow, publicOnly: boolean): Promise<Revision[]> {
  const rows = await db
    .selectFrom('entry_revisions')
    .leftJoin('users', 'users.id', 'entry_revisions.edited_by')
    .selectAll('entry_revisions')
    .select('users.name as editor_name')
    .where('entry_id', '=', cur.id)
    .orderBy('revision', 'asc')
    .execute();
  const now = snapshot(cur);
  const editor = now.edited_by === cur.author_id ? cur.author_name : (await db.selectFrom('users').select('name').where('id', '=', now.edited_by).executeTakeFirst())?.name;
  const all = [...rows, { ...now, editor_name: editor ?? null }];
  return all
    .filter((r) => !publicOnly || r.status === null || r.status === 'published')
    .map((r) => ({
      revision: r.revision,
      headline: r.headline,
      body: r.body,
      html: r.html,
      editedAt: r.edited_at,
      editedBy: { id: r.edited_by, name: r.editor_name ?? 'Former staff' },
      correction: r.correction ?? null,
      verification: r.verification ?? null,
      verificationNote: r.verification_note ?? null,
      status: r.status ?? 'published',
    }));
}
