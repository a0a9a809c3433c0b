/**
 * The reader pages: `/` and `/live/{slug}`, plus their static assets under /assets/.
 * Public pages come from the render cache (page-cache.ts), precompressed, with ETags; a
 * request with credentials (staff previewing a draft) is rendered fresh and kept private.
 * See src/reader/README.md for how the pieces fit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { LiveblogService } from '../liveblogs/liveblog-service.ts';
import type { EntryService } from '../entries/entry-service.ts';
import { AppError } from '../errors.ts';
import { liveblogStore } from '../liveblogs/liveblog-store.ts';
import { encodeBody, sendEncoded, type EncodedBody } from './encoded-body.ts';
import { renderIndexPage } from './index-page.ts';
import { renderLivePage } from './live-page.ts';
import { loadLivePage } from './page-data.ts';
import { PageCache } from './page-cache.ts';
import { notFoundPage } from './page-shell.ts';
import { loadReaderAssets } from './reader-assets.ts';

export interface ReaderDeps {
  deps: Deps;
  liveblogs: LiveblogService;
  entries: EntryService;
}

const HTML = 'text/html; charset=utf-8';
const PAGE_CACHE = 'public, max-age=0, s-maxage=5, stale-while-revalidate=30';
const ASSET_CACHE = 'public, max-age=31536000, immutable';
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const isNotFound = (err: unknown) => err instanceof AppError && err.status === 404;
const hasCredentials = (req: FastifyRequest) => req.user !== null || req.headers.authorization !== undefined;

export async function readerRoutes(app: FastifyInstance, d: ReaderDeps): Promise<void> {
  const assets = await loadReaderAssets();
  const missing = await encodeBody(notFoundPage(assets.names), HTML, 'asset');
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
  // The index has no cursor of its own: any change, or one second, makes it stale.
  let index: { body: EncodedBody; at: number } | null = null;
  d.deps.bus.subscribe((c) => {
    pages.onChange(c);
    index = null;
  });

  const notFound = (req: FastifyRequest, reply: FastifyReply) => sendEncoded(req, reply, missing, 'public, max-age=0, s-maxage=5', 404);
  const sendPrivate = (reply: FastifyReply, html: string) =>
    reply.header('content-type', HTML).header('cache-control', 'private, no-store').send(html);

  app.get<{ Params: { file: string } }>('/assets/:file', async (req, reply) => {
    const file = assets.files.get(req.params.file);
    if (!file) return notFound(req, reply);
    return sendEncoded(req, reply, file, ASSET_CACHE);
  });

  app.get('/', async (req, reply) => {
    if (hasCredentials(req)) return sendPrivate(reply, renderIndexPage(await d.liveblogs.list(req.user), assets.names, d.deps.config.publicUrl));
    if (!index || performance.now() - index.at > 1000) {
      const html = renderIndexPage(await d.liveblogs.list(null), assets.names, d.deps.config.publicUrl);
      index = { body: await encodeBody(html, HTML, 'page'), at: performance.now() };
    }
    return sendEncoded(req, reply, index.body, PAGE_CACHE);
  });

  app.get<{ Params: { slug: string }; Querystring: { before?: string } }>('/live/:slug', async (req, reply) => {
    const { slug } = req.params;
    if (!SLUG.test(slug) || slug.length > 100) return notFound(req, reply);
    const before = typeof req.query.before === 'string' && req.query.before ? req.query.before : undefined;
    try {
      if (hasCredentials(req)) return sendPrivate(reply, renderLivePage(await loadLivePage(d, slug, req.user, before), assets.names));
      // Older pages exist for readers without JavaScript (the "Load more" link): rare, not cached here.
      if (before) return sendEncoded(req, reply, await encodeBody(renderLivePage(await loadLivePage(d, slug, null, before), assets.names), HTML, 'page'), PAGE_CACHE);
      return sendEncoded(req, reply, (await pages.get(slug)).body, PAGE_CACHE);
    } catch (err) {
      if (isNotFound(err)) return notFound(req, reply);
      throw err;
    }
  });
}
