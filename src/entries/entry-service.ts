/**
 * The rules for entries. Each write is one transaction: the entry, its earlier revision,
 * the live blog's next cursor and the change-log row commit together; the bus is told
 * after commit. Markdown is rendered and sanitized once, here, never per reader.
 */
import type { Transaction } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Database, EntryTable, LiveblogTable } from '../db/schema.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { appendChange, type Change } from '../live/change-log.ts';
import { can, requireCapability, type User } from '../auth/roles.ts';
import { iso } from '../time.ts';
import { liveblogStore } from '../liveblogs/liveblog-store.ts';
import { findIdempotent, requestHash, saveIdempotent } from '../idempotency/idempotency-store.ts';
import { entryStore } from './entry-store.ts';
import { renderMarkdown } from './markdown.ts';
import { decodePageCursor, encodePageCursor, toEntry, type Entry, type EntryRow } from './entry-view.ts';

export interface EntryInput {
  headline?: string | null;
  body?: string;
  keyEvent?: boolean;
  pinned?: boolean;
  status?: EntryTable['status'];
  publishedAt?: string;
}

export interface CreateResult {
  entry: Entry;
  /** False when an Idempotency-Key replayed an earlier answer. */
  created: boolean;
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
    if (!lb || (lb.status === 'draft' && !can(viewer, 'liveblogs:drafts'))) throw notFound('This live blog');
    return lb;
  }

  /** Published entries newest first, `limit` at a time. */
  async list(liveblogId: string, viewer: User | null, limit: number, before?: string): Promise<{ items: Entry[]; next: string | null }> {
    const db = this.d.db.kysely;
    const lb = await this.liveblog(db, liveblogId, viewer);
    let after;
    if (before !== undefined) {
      after = decodePageCursor(before);
      if (!after) throw invalid('`before` is not a cursor this API gave out.', [{ path: '/before', message: 'malformed cursor' }]);
    }
    const rows = await entryStore.page(db, liveblogId, limit + 1, after);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { items: page.map((r) => this.view(r, lb)), next: more ? encodePageCursor(page[page.length - 1]) : null };
  }

  async read(liveblogId: string, id: string, viewer: User | null): Promise<Entry> {
    const db = this.d.db.kysely;
    const lb = await this.liveblog(db, liveblogId, viewer);
    const r = await entryStore.byId(db, liveblogId, id);
    if (!r || (!visible(r.status) && !can(viewer, 'entries:write'))) throw notFound('This entry');
    return this.view(r, lb);
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
        const lb = await this.liveblog(trx, liveblogId, user);
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
          published_at: input.publishedAt ?? now,
          created_at: now,
          updated_at: now,
          revision: 1,
        };
        await entryStore.insert(trx, row);
        const entry = this.view({ ...row, author_name: user.name }, lb);
        const change = visible(status) ? await appendChange(trx, liveblogId, 'entry.published', { entry }, now) : null;
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
    if (result.change) await this.publish(result.change);
    return { entry: result.entry, created: result.created };
  }

  async update(user: User, liveblogId: string, id: string, input: EntryInput & { revision: number }): Promise<Entry> {
    requireCapability(user, 'entries:write');
    const now = iso(this.d.clock());
    const isEditor = can(user, 'entries:publish');
    const { entry, change } = await this.d.db.kysely.transaction().execute(async (trx) => {
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
      const patch: Partial<EntryTable> = { headline, body, html: body === cur.body ? cur.html : renderMarkdown(body), status, updated_at: now };
      if (input.keyEvent !== undefined) patch.key_event = input.keyEvent ? 1 : 0;
      if (input.pinned !== undefined) patch.pinned = input.pinned ? 1 : 0;
      if (input.publishedAt !== undefined) patch.published_at = input.publishedAt;
      // Publishing a submission stamps it with the time readers first see it.
      if (visible(status) && !visible(cur.status) && input.publishedAt === undefined) patch.published_at = now;
      // Corrections happen in the open: the earlier text is kept as a revision.
      await entryStore.saveRevision(trx, {
        entry_id: id,
        revision: cur.revision,
        headline: cur.headline,
        body: cur.body,
        html: cur.html,
        edited_by: user.id,
        edited_at: now,
      });
      if (!(await entryStore.updateAtRevision(trx, id, input.revision, patch))) {
        throw conflict('This entry was changed by someone else at the same moment; reload it and edit again.');
      }
      const next = this.view({ ...cur, ...patch, revision: cur.revision + 1 }, lb);
      const event = visible(status) ? (visible(cur.status) ? 'entry.updated' : 'entry.published') : visible(cur.status) ? 'entry.deleted' : null;
      const data = event === 'entry.deleted' ? { entry: { id, liveblogId } } : { entry: next };
      const change = event ? await appendChange(trx, liveblogId, event, data, now) : null;
      return { entry: next, change };
    });
    if (change) await this.publish(change);
    return entry;
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
    if (change) await this.publish(change);
  }

  /** After commit. A publish that fails loses nothing: hubs resync from the change log. */
  private async publish(change: Change): Promise<void> {
    await this.d.bus.publish(change).catch(() => {});
  }
}
