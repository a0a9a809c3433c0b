/**
 * Rendered pages, one per live blog, keyed by the change cursor they were rendered at,
 * so a page is rendered (and compressed) once per change, not per request. The bus tells
 * every node of every change, which marks the page stale at once. A node can miss bus
 * messages (Redis down), so a page older than `maxAgeMs` is also checked against the
 * database's cursor before it is served again: one cheap query per second per page.
 */
import type { Change } from '../live/change-log.ts';
import type { EncodedBody } from './encoded-body.ts';

export interface CachedPage {
  liveblogId: string;
  cursor: number;
  body: EncodedBody;
  checkedAt: number;
}

export interface PageCacheOptions {
  /** Renders the page of `slug` (throws when it does not exist or is not public). */
  render(slug: string): Promise<Omit<CachedPage, 'checkedAt'>>;
  /** The live blog's current cursor, slug and status, straight from the database. */
  current(liveblogId: string): Promise<{ cursor: number; slug: string; status: string } | undefined>;
  now?: () => number;
  maxAgeMs?: number;
  maxPages?: number;
}

export class PageCache {
  private pages = new Map<string, CachedPage>();
  private inflight = new Map<string, Promise<CachedPage>>();
  /** The newest cursor the bus announced per live blog. */
  private seen = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly maxPages: number;

  constructor(private readonly o: PageCacheOptions) {
    this.now = o.now ?? (() => performance.now());
    this.maxAgeMs = o.maxAgeMs ?? 1000;
    this.maxPages = o.maxPages ?? 500;
  }

  onChange(c: Change): void {
    if (c.cursor > (this.seen.get(c.liveblogId) ?? 0)) this.seen.set(c.liveblogId, c.cursor);
  }

  /** The page of `slug` when it is fresh and in memory: the synchronous fast path (no promise). */
  peek(slug: string): CachedPage | undefined {
    const page = this.pages.get(slug);
    return page && !this.announcedNewer(page) && this.now() - page.checkedAt < this.maxAgeMs ? page : undefined;
  }

  /** The page of `slug`, fresh within the rules above; concurrent callers share one render. */
  get(slug: string): Promise<CachedPage> {
    const fresh = this.peek(slug);
    if (fresh) return Promise.resolve(fresh);
    const page = this.pages.get(slug);
    let job = this.inflight.get(slug);
    if (!job) {
      job = this.refresh(slug, page).finally(() => this.inflight.delete(slug));
      this.inflight.set(slug, job);
    }
    return job;
  }

  private announcedNewer(page: CachedPage): boolean {
    return (this.seen.get(page.liveblogId) ?? 0) > page.cursor;
  }

  private async refresh(slug: string, page: CachedPage | undefined): Promise<CachedPage> {
    if (page && !this.announcedNewer(page)) {
      const cur = await this.o.current(page.liveblogId);
      if (cur && cur.cursor === page.cursor && cur.slug === slug && cur.status !== 'draft') {
        page.checkedAt = this.now();
        return page;
      }
    }
    this.pages.delete(slug);
    const started = this.now();
    const fresh: CachedPage = { ...(await this.o.render(slug)), checkedAt: started };
    this.pages.set(slug, fresh);
    if (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value as string);
    return fresh;
  }
}
