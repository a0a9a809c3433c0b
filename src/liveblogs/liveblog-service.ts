/** The rules for live blogs: who sees drafts, slugs, status changes; every change is logged for the stream. */
import type { Deps } from '../deps.ts';
import type { LiveblogTable } from '../db/schema.ts';
import { conflict, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import { Lru } from '../lru.ts';
import { appendChange } from '../live/change-log.ts';
import { publishCommitted } from '../live/bus.ts';
import { dbRejected } from '../http/db-rejected.ts';
import { can, requireCapability, type User } from '../auth/roles.ts';
import { iso } from '../time.ts';
import { liveblogStore } from './liveblog-store.ts';
import { slugify } from './slug.ts';
import { toLiveblog, type Liveblog } from './liveblog-view.ts';

export interface LiveblogInput {
  title?: string;
  lead?: string;
  description?: string;
  status?: LiveblogTable['status'];
  slug?: string;
  language?: string;
  audioStreamUrl?: string | null;
  commentsMode?: LiveblogTable['comments_mode'];
}

/** Drafts are invisible to everyone but editors: to them a draft live blog does not exist. */
export function canSeeLiveblog(lb: Pick<LiveblogTable, 'status'>, viewer: User | null): boolean {
  return lb.status !== 'draft' || can(viewer, 'liveblogs:drafts');
}

/** How long a stream connect may trust a live blog's row read by an earlier connect. */
const STREAM_LOOKUP_MS = 1000;

export class LiveblogService {
  constructor(private readonly d: Deps) {}

  /** Recent lookups for stream connects, as promises: concurrent connects share one read. */
  private streamLookups = new Lru<{ at: number; row: Promise<LiveblogTable | undefined> }>(1000);

  private view = (r: LiveblogTable) => toLiveblog(r, this.d.config.publicUrl);

  /** A live blog the viewer may see, or 404 (drafts are invisible to the public). */
  async get(id: string, viewer: User | null): Promise<LiveblogTable> {
    return this.visible(await liveblogStore.byId(this.d.db.kysely, id), viewer);
  }

  /**
   * `get` for stream connects. When a story breaks, or a network blip drops every reader
   * at once, thousands of connects a second ask for the same row: they share one read for
   * up to STREAM_LOOKUP_MS. A change of status (a live blog back to draft) reaches new
   * streams within that time on every node, at once on this one.
   */
  async getForStream(id: string, viewer: User | null): Promise<LiveblogTable> {
    const now = Date.now();
    let hit = this.streamLookups.get(id);
    if (!hit || now - hit.at > STREAM_LOOKUP_MS) {
      const entry = { at: now, row: liveblogStore.byId(this.d.db.kysely, id) };
      // A failed read is not kept: the next connect asks the database again.
      entry.row.catch(() => this.streamLookups.get(id) === entry && this.streamLookups.delete(id));
      this.streamLookups.set(id, entry);
      hit = entry;
    }
    return this.visible(await hit.row, viewer);
  }

  async getBySlug(slug: string, viewer: User | null): Promise<LiveblogTable> {
    return this.visible(await liveblogStore.bySlug(this.d.db.kysely, slug), viewer);
  }

  private visible(r: LiveblogTable | undefined, viewer: User | null): LiveblogTable {
    if (!r || !canSeeLiveblog(r, viewer)) throw notFound('This live blog');
    return r;
  }

  async read(id: string, viewer: User | null): Promise<Liveblog> {
    return this.view(await this.get(id, viewer));
  }

  async list(viewer: User | null, status?: LiveblogTable['status'], limit = 50): Promise<Liveblog[]> {
    const visible: LiveblogTable['status'][] = can(viewer, 'liveblogs:drafts') ? ['draft', 'live', 'ended'] : ['live', 'ended'];
    const statuses = status ? visible.filter((s) => s === status) : visible;
    if (statuses.length === 0) return [];
    return (await liveblogStore.list(this.d.db.kysely, statuses, limit)).map(this.view);
  }

  async create(user: User, input: LiveblogInput & { title: string }, at?: Date): Promise<Liveblog> {
    requireCapability(user, 'liveblogs:write');
    const now = iso(at ?? this.d.clock());
    const db = this.d.db.kysely;
    const taken = () => conflict(`The slug "${input.slug}" is already used by another live blog.`);
    const base = input.slug ?? slugify(input.title);
    let slug = base;
    let n = 2;
    if (input.slug !== undefined) {
      if (await liveblogStore.slugTaken(db, slug)) throw taken();
    } else {
      for (; await liveblogStore.slugTaken(db, slug); n++) slug = `${base}-${n}`;
    }
    const status = input.status ?? 'draft';
    const row: LiveblogTable = {
      id: newId(),
      slug,
      title: input.title,
      lead: input.lead ?? '',
      description: input.description ?? '',
      status,
      language: input.language ?? 'en',
      started_at: status === 'draft' ? null : now,
      ended_at: status === 'ended' ? now : null,
      audio_stream_url: input.audioStreamUrl ?? null,
      comments_mode: input.commentsMode ?? 'open',
      cursor: 0,
      created_by: user.id,
      created_at: now,
      updated_at: now,
    };
    // Two editors creating "Election night" at once both find the slug free: the loser of
    // the insert takes the next suffix (an explicit slug is the caller's to change: 409).
    for (let attempt = 0; ; attempt++) {
      try {
        await liveblogStore.insert(db, row);
        return this.view(row);
      } catch (err) {
        if (dbRejected(err)?.status !== 409) throw err;
        if (input.slug !== undefined || attempt >= 20) throw taken();
        row.slug = `${base}-${n++}`;
      }
    }
  }

  async update(user: User, id: string, input: LiveblogInput): Promise<Liveblog> {
    requireCapability(user, 'liveblogs:write');
    const now = iso(this.d.clock());
    const { result, change } = await this.d.db.kysely.transaction().execute(async (trx) => {
      const cur = await liveblogStore.byId(trx, id);
      if (!cur) throw notFound('This live blog');
      if (input.slug !== undefined && input.slug !== cur.slug && (await liveblogStore.slugTaken(trx, input.slug, id))) {
        throw conflict(`The slug "${input.slug}" is already used by another live blog.`);
      }
      const patch: Partial<LiveblogTable> = { updated_at: now };
      if (input.title !== undefined) patch.title = input.title;
      if (input.lead !== undefined) patch.lead = input.lead;
      if (input.description !== undefined) patch.description = input.description;
      if (input.slug !== undefined) patch.slug = input.slug;
      if (input.language !== undefined) patch.language = input.language;
      if (input.audioStreamUrl !== undefined) patch.audio_stream_url = input.audioStreamUrl;
      if (input.commentsMode !== undefined) patch.comments_mode = input.commentsMode;
      if (input.status !== undefined && input.status !== cur.status) {
        patch.status = input.status;
        if (input.status !== 'draft' && !cur.started_at) patch.started_at = now;
        patch.ended_at = input.status === 'ended' ? now : null;
      }
      await liveblogStore.update(trx, id, patch);
      const next = { ...cur, ...patch };
      const change = await appendChange(trx, id, 'liveblog.updated', (cursor) => ({ liveblog: this.view({ ...next, cursor }) }), now);
      return { result: this.view({ ...next, cursor: change.cursor }), change };
    });
    this.streamLookups.delete(id);
    await publishCommitted(this.d.bus, change);
    return result;
  }
}
