/**
 * The rules for entries. Each write is one transaction: the entry, its earlier revision,
 * the live blog's next cursor and the change-log row commit together; the bus is told
 * after commit. Markdown is rendered and sanitized once, here, never per reader.
 */
import type { Transaction } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Database, EntryTable, LiveblogTable, Verification } from '../db/schema.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { appendChange, logChange, takeCursor } from '../live/change-log.ts';
import { can, requireCapability, type User } from '../auth/roles.ts';
import { iso, toStoredTime } from '../time.ts';
import { liveblogStore } from '../liveblogs/liveblog-store.ts';
import { canSeeLiveblog } from '../liveblogs/liveblog-service.ts';
import { publishCommitted } from '../live/bus.ts';
import { findIdempotent, requestHash, saveIdempotent } from '../idempotency/idempotency-store.ts';
import { entryStore } from './entry-store.ts';
import { renderMarkdown } from './markdown.ts';
import { listRevisions, snapshot, type Revision } from './entry-revisions.ts';
import { decodePageCursor, encodePageCursor, toEntry, type Entry, type EntryRow } from './entry-view.ts';

export interface EntryInput {
  headline?: string | null;
  body?: string;
  keyEvent?: boolean;
  pinned?: boolean;
  status?: EntryTable['status'];
  publishedAt?: string;
}

/** What only an edit can carry: the revision it edits, and an editor's correction or label. */
export interface EntryPatch extends EntryInput {
  revision: number;
  /** Marks this edit as a correction, with a short note shown to readers. */
  correction?: string;
  verification?: Verification | null;
  verificationNote?: string | null;
}

export interface CreateResult {
  entry: Entry;
  /** False when an Idempotency-Key replayed an earlier answer. */
  created: boolean;
}

/** publishedAt as stored (UTC), or a 400 naming the field. */
function storedTime(value: string): string {
  try {
    return toStoredTime(value);
  } catch {
    throw invalid('publishedAt must be a date-time between 1970 and 9999.', [{ path: '/publishedAt', message: 'out of range' }]);
  }
}

const visible = (status: EntryTable['status']) => status === 'published';

function cleanText(input: EntryInput, current?: EntryRow): { headline: string | null; body: string } {
  const headline = input.headline === undefined ? (current?.headline ?? null) : input.headline?.trim() || null;
  const body = input.body === undefined ? (current?.body ?? '') : input.body.trim();
  if (!headline && !body) {
    throw invalid('An entry needs a headline or a body.', [{ path: '/body', message: 'headline and body are both empty' }]);
  }
  return { headline, body };
}

export class EntryService {
  constructor(private readonly d: Deps) {}

  private view(r: EntryRow, lb: Pick<LiveblogTable, 'slug'>): Entry {
    return toEntry(r, lb.slug, this.d.config.publicUrl);
  }

  private async liveblog(db: Transaction<Database> | Deps['db']['kysely'], id: string, viewer: User | null) {
    const lb = await liveblogStore.byId(db, id);
    if (!lb || !canSeeLiveblog(lb, viewer)) throw notFound('This live blog');
    return lb;
  }

  /**
   * Entries newest first, `limit` at a time: published ones for everybody; drafts and
   * submissions for the desk (editors see all, contributors their own).
   */
  async list(
    liveblogId: string,
    viewer: User | null,
    limit: number,
    before?: string,
    status: EntryTable['status'] = 'published',
    author?: string,
  ): Promise<{ items: Entry[]; next: string | null }> {
    const db = this.d.db.kysely;
    const lb = await this.liveblog(db, liveblogId, viewer);
    let authorId = author;
    if (!visible(status)) {
      const u = requireCapability(viewer, 'entries:write');
      if (!can(u, 'entries:publish')) {
        if (author !== undefined && author !== u.id) throw forbidden('Contributors list only their own drafts and submissions.');
        authorId = u.id;
      }
    }
    let after;
    if (before !== undefined) {
      after = decodePageCursor(before);
      if (!after) throw invalid('`before` is not a cursor this API gave out.', [{ path: '/before', message: 'malformed cursor' }]);
    }
    const rows = await entryStore.page(db, liveblogId, limit + 1, after, { status, authorId });
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { items: page.map((r) => this.view(r, lb)), next: more ? encodePageCursor(page[page.length - 1]) : null };
  }

  /** The entry's history: public for a published entry (its published revisions), whole for staff. */
  async revisions(liveblogId: string, id: string, viewer: User | null): Promise<{ items: Revision[] }> {
    const db = this.d.db.kysely;
    await this.liveblog(db, liveblogId, viewer);
    const r = await entryStore.byId(db, liveblogId, id);
    const staff = can(viewer, 'entries:write');
    if (!r || (!visible(r.status) && !staff)) throw notFound('This entry');
    return { items: await listRevisions(db, r, !staff) };
  }

  async read(liveblogId: string, id: string, viewer: User | null): Promise<Entry> {
    const db = this.d.db.kysely;
    const lb = await this.liveblog(db, liveblogId, viewer);
    const r = await entryStore.byId(db, liveblogId, id);
    // Unpublished work is seen by editors and by its author only, as in the desk's lists.
    const mayRead = r && (visible(r.status) || can(viewer, 'entries:publish') || (viewer !== null && r.author_id === viewer.id));
    if (!r || !mayRead) throw notFound('This entry');
    return this.view(r, lb);
  }

  /**
   * A fingerprint of the desk's queues as this user sees them (submissions, own drafts).
   * They never enter the public change log, so a desk learns of a colleague's submission
   * or edit by this changing (it comes with each presence beat) and reloads its lists.
   */
  async queueVersion(liveblogId: string, user: User): Promise<string> {
    requireCapability(user, 'entries:write');
    const r = await entryStore.queueStats(this.d.db.kysely, liveblogId, user.id, can(user, 'entries:publish'));
    return `${Number(r.n)}:${String(r.at ?? '')}:${Number(r.revisions ?? 0)}`;
  }

  async create(user: User, liveblogId: string, input: EntryInput, idempotencyKey?: string): Promise<CreateResult> {
    requireCapability(user, 'entries:write');
    const { headline, body } = cleanText(input);
    const isEditor = can(user, 'entries:publish');
    // A contributor's entry waits for an editor; only editors publish directly or backdate.
    let status = input.status ?? 'published';
    if (!isEditor && status === 'published') status = 'submitted';
    if (input.publishedAt !== undefined && !isEditor) throw forbidden('Only editors set publishedAt.');
    const html = renderMarkdown(body);
    const now = iso(this.d.clock());
    const hash = idempotencyKey ? requestHash(`entries:${liveblogId}`, input) : '';

    const run = () =>
      this.d.db.kysely.transaction().execute(async (trx) => {
        if (idempotencyKey) {
          const earlier = await findIdempotent(trx, user.id, idempotencyKey, hash);
          if (earlier) return { entry: earlier.body as Entry, created: false, change: null };
        }
        // A published entry takes the live blog's next cursor first: that one statement
        // reads the live blog and locks its row until commit, where reading it and then
        // bumping it were two. A refused write rolls the bump back with everything else.
        const published = visible(status);
        const lb = published ? await takeCursor(trx, liveblogId) : await liveblogStore.byId(trx, liveblogId);
        if (!lb || !canSeeLiveblog(lb, user)) throw notFound('This live blog');
        const row: EntryTable = {
          id: newId(),
          liveblog_id: liveblogId,
          headline,
          body,
          html,
          key_event: input.keyEvent ? 1 : 0,
          pinned: input.pinned ? 1 : 0,
          status,
          author_id: user.id,
          published_at: input.publishedAt !== undefined ? storedTime(input.publishedAt) : now,
          created_at: now,
          updated_at: now,
          revision: 1,
          verification: null,
          verification_note: null,
          correction_note: null,
          correction_at: null,
          return_note: null,
          edited_by: null,
        };
        await entryStore.insert(trx, row);
        const entry = this.view({ ...row, author_name: user.name }, lb);
        const change = published ? await logChange(trx, liveblogId, lb.cursor, 'entry.published', { entry }, now) : null;
        if (idempotencyKey) await saveIdempotent(trx, user.id, idempotencyKey, hash, { statusCode: 201, body: entry }, now);
        return { entry, created: true, change };
      });

    let result;
    try {
      result = await run();
    } catch (err) {
      // Two retries of one request racing on two connections: the loser's insert of the
      // key fails; run again and it finds the winner's answer.
      if (!idempotencyKey || (err as { status?: number }).status) throw err;
      result = await run();
    }
    await publishCommitted(this.d.bus, result.change);
    return { entry: result.entry, created: result.created };
  }

  async update(user: User, liveblogId: string, id: string, input: EntryPatch): Promise<Entry> {
    return (await this.edit(user, liveblogId, id, input)).entry;
  }

  /**
   * An edit. With `idempotencyKey`, a repeat of the same edit answers the first result and
   * changes nothing (checked before the revision, which the first one made stale).
   */
  async edit(user: User, liveblogId: string, id: string, input: EntryPatch, idempotencyKey?: string): Promise<{ entry: Entry; replayed: boolean }> {
    requireCapability(user, 'entries:write');
    const hash = idempotencyKey ? requestHash(`entries:${liveblogId}:${id}:edit`, input) : '';
    const now = iso(this.d.clock());
    const isEditor = can(user, 'entries:publish');
    if ((input.correction !== undefined || input.verification !== undefined || input.verificationNote !== undefined) && !can(user, 'entries:correct')) {
      throw forbidden('Only editors mark corrections and verification labels.');
    }
    const { entry, change, replayed } = await this.d.db.kysely.transaction().execute(async (trx) => {
      if (idempotencyKey) {
        const earlier = await findIdempotent(trx, user.id, idempotencyKey, hash);
        if (earlier) return { entry: earlier.body as Entry, change: null, replayed: true };
      }
      const lb = await this.liveblog(trx, liveblogId, user);
      const cur = await entryStore.byId(trx, liveblogId, id);
      if (!cur) throw notFound('This entry');
      if (!isEditor && (cur.author_id !== user.id || visible(cur.status))) {
        throw forbidden('Contributors edit only their own entries that are not yet published.');
      }
      if (cur.revision !== input.revision) {
        throw conflict(`This entry was changed by someone else: you edited revision ${input.revision}, it is now at ${cur.revision}.`, {
          current: this.view(cur, lb),
        });
      }
      const { headline, body } = cleanText(input, cur);
      let status = input.status ?? cur.status;
      if (!isEditor && status === 'published') status = 'submitted';
      if (input.correction !== undefined && !visible(cur.status)) {
        throw invalid('Only a published entry can be corrected; edit the draft instead.', [{ path: '/correction', message: 'entry not published' }]);
      }
      const patch: Partial<EntryTable> = {
        headline,
        body,
        html: body === cur.body ? cur.html : renderMarkdown(body),
        status,
        updated_at: now,
        edited_by: user.id,
      };
      if (input.keyEvent !== undefined) patch.key_event = input.keyEvent ? 1 : 0;
      if (input.pinned !== undefined) patch.pinned = input.pinned ? 1 : 0;
      if (input.publishedAt !== undefined) {
        if (!isEditor) throw forbidden('Only editors set publishedAt.');
        patch.published_at = storedTime(input.publishedAt);
      }
      if (input.correction !== undefined) Object.assign(patch, { correction_note: input.correction.trim(), correction_at: now });
      if (input.verification !== undefined) {
        patch.verification = input.verification;
        if (input.verification === null) patch.verification_note = null;
      }
      if (input.verificationNote !== undefined) patch.verification_note = input.verificationNote?.trim() || null;
      // A contributor who sends a returned entry back, or an editor who publishes it, closes the editor's note.
      if (status !== 'draft') patch.return_note = null;
      // Publishing a submission stamps it with the time readers first see it.
      if (visible(status) && !visible(cur.status) && input.publishedAt === undefined) patch.published_at = now;
      // An autosave of one's own draft replaces it in place: keystroke pauses are not history.
      const keep = !(cur.status === 'draft' && status === 'draft' && cur.author_id === user.id);
      const next = await this.saveEdit(trx, cur, patch, lb, keep);
      const event = visible(status) ? (visible(cur.status) ? 'entry.updated' : 'entry.published') : visible(cur.status) ? 'entry.deleted' : null;
      const data = event === 'entry.deleted' ? { entry: { id, liveblogId } } : { entry: next };
      const change = event ? await appendChange(trx, liveblogId, event, data, now) : null;
      if (idempotencyKey) await saveIdempotent(trx, user.id, idempotencyKey, hash, { statusCode: 200, body: next }, now);
      return { entry: next, change, replayed: false };
    });
    await publishCommitted(this.d.bus, change);
    return { entry, replayed };
  }

  /** An editor sends a submission back to its contributor as a draft, with a note saying why. */
  async returnToAuthor(user: User, liveblogId: string, id: string, note: string, revision?: number): Promise<Entry> {
    requireCapability(user, 'entries:publish');
    const now = iso(this.d.clock());
    return this.d.db.kysely.transaction().execute(async (trx) => {
      const lb = await this.liveblog(trx, liveblogId, user);
      const cur = await entryStore.byId(trx, liveblogId, id);
      if (!cur) throw notFound('This entry');
      if (revision !== undefined && cur.revision !== revision) {
        throw conflict(`This entry was changed by someone else: it is now at revision ${cur.revision}.`, { current: this.view(cur, lb) });
      }
      if (cur.status !== 'submitted') throw conflict(`Only a submitted entry can be returned; this one is ${cur.status}.`, { current: this.view(cur, lb) });
      return this.saveEdit(trx, cur, { status: 'draft', return_note: note.trim(), updated_at: now, edited_by: user.id }, lb);
    });
  }

  /** Keeps the current revision in the history, then applies `patch` as the next one. */
  private async saveEdit(trx: Transaction<Database>, cur: EntryRow, patch: Partial<EntryTable>, lb: Pick<LiveblogTable, 'slug'>, keep = true): Promise<Entry> {
    // Corrections happen in the open: the earlier text is kept as a revision.
    if (keep) await entryStore.saveRevision(trx, snapshot(cur));
    if (!(await entryStore.updateAtRevision(trx, cur.id, cur.revision, patch))) {
      throw conflict('This entry was changed by someone else at the same moment; reload it and edit again.');
    }
    return this.view({ ...cur, ...patch, revision: cur.revision + 1 }, lb);
  }

  async remove(user: User, liveblogId: string, id: string): Promise<void> {
    requireCapability(user, 'entries:write');
    const now = iso(this.d.clock());
    const change = await this.d.db.kysely.transaction().execute(async (trx) => {
      await this.liveblog(trx, liveblogId, user);
      const cur = await entryStore.byId(trx, liveblogId, id);
      if (!cur) throw notFound('This entry');
      if (!can(user, 'entries:publish') && (cur.author_id !== user.id || visible(cur.status))) {
        throw forbidden('Contributors delete only their own entries that are not yet published.');
      }
      await entryStore.remove(trx, id);
      return visible(cur.status) ? appendChange(trx, liveblogId, 'entry.deleted', { entry: { id, liveblogId } }, now) : null;
    });
    await publishCommitted(this.d.bus, change);
  }
}
