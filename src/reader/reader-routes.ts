/**
 * The reader pages: `/`, `/live/{slug}` and `/community-standards`, plus their static
 * assets under /assets/. Public pages come from the render cache (page-cache.ts),
 * precompressed, with ETags; a request with credentials (staff previewing a draft) is
 * rendered fresh and kept private. See src/reader/README.md for how the pieces fit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { LiveblogService } from '../liveblogs/liveblog-service.ts';
import type { EntryService } from '../entries/entry-service.ts';
import { AppError } from '../errors.ts';
import { liveblogStore } from '../liveblogs/liveblog-store.ts';
import { SLUG_PATTERN } from '../liveblogs/slug.ts';
import { renderCommunityPage } from './community-page.ts';
import { encodeBody, sendEncoded, type EncodedBody } from './encoded-body.ts';
import { renderIndexPage } from './index-page.ts';
import { renderLivePage } from './live-page.ts';
import { Lru } from '../lru.ts';
import { loadLivePage } from './page-data.ts';
import { PageCache } from './page-cache.ts';
import { LIVE_ROUTE, pageFrontDoor, type FrontDoor } from './page-front-door.ts';
import type { RecordRequest } from '../ops/metrics.ts';
import { htmlHeaders } from './page-headers.ts';
import { notFoundPage } from './page-shell.ts';
import { loadReaderAssets } from './reader-assets.ts';

export interface ReaderDeps {
  deps: Deps;
  liveblogs: LiveblogService;
  entries: EntryService;
  /** Counts the requests the front door answers, in the same series as the route's. */
  record: RecordRequest;
}

const HTML = 'text/html; charset=utf-8';
const PAGE_CACHE = 'public, max-age=0, s-maxage=5, stale-while-revalidate=30';
// Header objects made once; the cached path only copies them.
const LIVE = htmlHeaders(PAGE_CACHE, "'self'");
const INDEX = htmlHeaders(PAGE_CACHE, "'none'");
const MISSING = htmlHeaders('public, max-age=0, s-maxage=5', "'none'");
const PRIVATE = htmlHeaders('private, no-store', "'self'");
// The standards change with a deploy, not with the news: a day at the CDN (purge on deploy).
const STANDARDS = htmlHeaders('public, max-age=3600, s-maxage=86400', "'none'");
const ASSETS = Object.freeze({ 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' });
const SLUG = new RegExp(SLUG_PATTERN);
/** Older pages kept, by (slug, before, cursor): bounded, as anyone can ask for any cursor. */
const OLDER_PAGES = 200;

const isNotFound = (err: unknown) => err instanceof AppError && err.status === 404;
const hasCredentials = (req: FastifyRequest) => req.user !== null || req.headers.authorization !== undefined;

/** Registers the routes; returns the front door that answers fresh cached live pages before Fastify. */
export async function readerRoutes(app: FastifyInstance, d: ReaderDeps): Promise<FrontDoor> {
  const assets = await loadReaderAssets();
  const [missing, standards] = await Promise.all([
    encodeBody(notFoundPage(assets.names), HTML, 'asset'),
    encodeBody(renderCommunityPage(assets.names), HTML, 'asset'),
  ]);
  const db = d.deps.db.kysely;

  const pages = new PageCache({
    async render(slug) {
      const data = await loadLivePage(d, slug, null);
      const body = await encodeBody(renderLivePage(data, assets.names), HTML, 'page');
      return { liveblogId: data.liveblog.id, cursor: data.liveblog.cursor, body };
    },
    current: async (id) => {
      const r = await liveblogStore.byId(db, id);
      return r && { cursor: Number(r.cursor), slug: r.slug, status: r.status };
    },
  });
  const older = new Lru<EncodedBody>(OLDER_PAGES);
  // The index has no cursor of its own: any change, or one second, makes it stale.
  let index: { body: EncodedBody; at: number } | null = null;
  d.deps.bus.subscribe((c) => {
    pages.onChange(c);
    index = null;
  });

  const notFound = (req: FastifyRequest, reply: FastifyReply) => sendEncoded(req, reply, missing, MISSING, 404);
  const sendPrivate = (reply: FastifyReply, html: string) => reply.headers(PRIVATE).header('content-type', HTML).send(html);

  /**
   * An older page (`?before=`, the "Load more" link without JavaScript). Keyed by the live
   * blog's current cursor too, so any change renders it again; gzip level 1 and no brotli,
   * because every distinct cursor someone asks for costs a render.
   */
  async function olderPage(slug: string, before: string): Promise<EncodedBody> {
    const { cursor } = await pages.get(slug); // 404s for unknown and unpublished live blogs
    const key = `${slug}\n${before}\n${cursor}`;
    let body = older.get(key);
    if (!body) {
      body = await encodeBody(renderLivePage(await loadLivePage(d, slug, null, before), assets.names), HTML, 'cheap');
      older.set(key, body);
    }
    return body;
  }

  app.get<{ Params: { file: string } }>('/assets/:file', async (req, reply) => {
    const file = assets.files.get(req.params.file);
    if (!file) return notFound(req, reply);
    return sendEncoded(req, reply, file, ASSETS);
  });

  app.get('/community-standards', (req, reply) => {
    sendEncoded(req, reply, standards, STANDARDS);
  });

  app.get('/', async (req, reply) => {
    if (hasCredentials(req)) return sendPrivate(reply, renderIndexPage(await d.liveblogs.list(req.user), assets.names, d.deps.config.publicUrl));
    if (!index || performance.now() - index.at > 1000) {
      const html = renderIndexPage(await d.liveblogs.list(null), assets.names, d.deps.config.publicUrl);
      index = { body: await encodeBody(html, HTML, 'page'), at: performance.now() };
    }
    return sendEncoded(req, reply, index.body, INDEX);
  });

  async function livePage(req: FastifyRequest, reply: FastifyReply, slug: string, before: string | undefined): Promise<FastifyReply> {
    try {
      if (hasCredentials(req)) return sendPrivate(reply, renderLivePage(await loadLivePage(d, slug, req.user, before), assets.names));
      if (before) return sendEncoded(req, reply, await olderPage(slug, before), LIVE);
      return sendEncoded(req, reply, (await pages.get(slug)).body, LIVE);
    } catch (err) {
      if (isNotFound(err)) return notFound(req, reply);
      throw err;
    }
  }

  // Not async: the common request (a fresh cached page, no credentials) is answered
  // without a promise; everything else goes through livePage(). With a real socket, most of
  // those common requests never get here: the front door below answers them first.
  app.get<{ Params: { slug: string }; Querystring: { before?: string } }>(LIVE_ROUTE, (req, reply) => {
    const { slug } = req.params;
    if (!SLUG.test(slug) || slug.length > 100) return void notFound(req, reply);
    const q = req.query.before;
    const before = typeof q === 'string' && q ? q : undefined;
    const page = before || hasCredentials(req) ? undefined : pages.peek(slug);
    if (page) return void sendEncoded(req, reply, page.body, LIVE);
    return livePage(req, reply, slug, before);
  });
  return pageFrontDoor({ pages, headers: LIVE, slug: SLUG, record: d.record });
}
