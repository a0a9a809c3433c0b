/**
 * What the live page shows, read from the services: the live blog (its cursor first, so
 * a stream opened from it misses nothing — a change that lands between the reads is at
 * worst shown twice, and the client applies changes idempotently), the latest entries,
 * the pinned ones and the key events.
 */
import type { User } from '../auth/roles.ts';
import type { Entry } from '../entries/entry-view.ts';
import { toLiveblog, type Liveblog } from '../liveblogs/liveblog-view.ts';
import type { ReaderDeps } from './reader-routes.ts';

export const PAGE_SIZE = 20;
const MAX_KEY_EVENTS = 30;
const MAX_PINNED = 3;

export interface LivePageData {
  liveblog: Liveblog;
  entries: Entry[];
  next: string | null;
  pinned: Entry[];
  keyEvents: Pick<Entry, 'id' | 'liveblogId' | 'headline' | 'html' | 'publishedAt'>[];
  /** Set when the page shows an older page (`?before=`), for readers without JavaScript. */
  before: string | null;
}

export async function loadLivePage(d: ReaderDeps, slug: string, viewer: User | null, before?: string): Promise<LivePageData> {
  const liveblog = toLiveblog(await d.liveblogs.getBySlug(slug, viewer), d.deps.config.publicUrl);
  const db = d.deps.db.kysely;
  const flagged = (col: 'pinned' | 'key_event', limit: number) =>
    db
      .selectFrom('entries')
      .select(['id', 'headline', 'html', 'published_at'])
      .where('liveblog_id', '=', liveblog.id)
      .where('status', '=', 'published')
      .where(col, '=', 1)
      .orderBy('published_at', 'desc')
      .limit(limit)
      .execute();
  const [page, pinnedRows, keyRows] = await Promise.all([
    d.entries.list(liveblog.id, viewer, PAGE_SIZE, before),
    before ? Promise.resolve([]) : flagged('pinned', MAX_PINNED),
    flagged('key_event', MAX_KEY_EVENTS),
  ]);
  // Pinned entries go through the service too, so they carry every field the API gives.
  const pinned = (await Promise.all(pinnedRows.map((r) => d.entries.read(liveblog.id, r.id, viewer).catch(() => null)))).filter(
    (e): e is Entry => e !== null,
  );
  const pinnedIds = new Set(pinned.map((e) => e.id));
  return {
    liveblog,
    entries: page.items.filter((e) => !pinnedIds.has(e.id)),
    next: page.next,
    pinned,
    keyEvents: keyRows.map((r) => ({ id: r.id, liveblogId: liveblog.id, headline: r.headline, html: r.html, publishedAt: r.published_at })),
    before: before ?? null,
  };
}
