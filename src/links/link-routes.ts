/**
 * Short links: /s/{code} → 301 to the canonical URL. A code is the id of a live blog or
 * an entry (ids are already short and random), so no extra table is needed.
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { idParam } from '../http/schemas.ts';
import { liveblogStore } from '../liveblogs/liveblog-store.ts';
import { entryStore } from '../entries/entry-store.ts';

export function linkRoutes(app: FastifyInstance, d: Deps): void {
  app.get<{ Params: { code: string } }>('/s/:code', { schema: { params: { type: 'object', properties: { code: idParam } } } }, async (req, reply) => {
    const db = d.db.kysely;
    const base = d.config.publicUrl;
    const lb = await liveblogStore.byId(db, req.params.code);
    if (lb && lb.status !== 'draft') return reply.redirect(`${base}/live/${lb.slug}`, 301);
    const entry = await entryStore.find(db, req.params.code);
    if (entry && entry.status === 'published') {
      const parent = await liveblogStore.byId(db, entry.liveblog_id);
      if (parent && parent.status !== 'draft') return reply.redirect(`${base}/live/${parent.slug}#entry-${entry.id}`, 301);
    }
    throw notFound('This short link');
  });
}
