/**
 * /desk: the newsroom's editor, a single page. The page and its script are also kept by
 * a service worker (/desk/sw.js), so a reporter whose connection dropped can reload the
 * desk and still see, and send later, what they queued.
 */
import type { FastifyInstance } from 'fastify';
import { idParam } from '../http/schemas.ts';
import { requireCapability } from '../auth/roles.ts';
import type { LiveblogService } from '../liveblogs/liveblog-service.ts';
import type { DeskMember, DeskPresenceStore } from './desk-presence-store.ts';
import type { EntryService } from '../entries/entry-service.ts';
import { deskAssets } from './desk-assets.ts';
import { sendEncoded } from '../reader/encoded-body.ts';
import { deskPage } from './desk-page.ts';
import { SERVICE_WORKER } from './service-worker.ts';

export function deskRoutes(app: FastifyInstance, d: { liveblogs: LiveblogService; entries: EntryService; presence: DeskPresenceStore }): void {
  const params = { type: 'object', properties: { id: idParam } } as const;

  // Each desk reports itself every few seconds (and when it starts or stops editing), and
  // learns who else is there and whether its queues (submissions, own drafts) changed.
  app.put<{ Params: { id: string }; Body: { editing: string | null } }>(
    '/api/v1/liveblogs/:id/desk-presence',
    {
      schema: {
        params,
        body: { type: 'object', required: ['editing'], additionalProperties: false, properties: { editing: { anyOf: [idParam, { type: 'null' }] } } },
      },
    },
    async (req) => {
      const user = requireCapability(req.user, 'entries:write');
      const lb = await d.liveblogs.get(req.params.id, user);
      // Redis away: this desk still works, it just sees only itself until Redis is back.
      const alone = (): DeskMember[] => [{ user: { id: user.id, name: user.name }, editing: req.body.editing, seenAt: new Date().toISOString() }];
      const [items, queue] = await Promise.all([
        d.presence.beat(lb.id, user, req.body.editing).catch((err: Error) => {
          req.log.warn({ err: err.message }, 'desk presence unavailable');
          return alone();
        }),
        d.entries.queueVersion(lb.id, user),
      ]);
      return { items, queue };
    },
  );

  app.delete<{ Params: { id: string } }>('/api/v1/liveblogs/:id/desk-presence', { schema: { params } }, async (req, reply) => {
    const user = requireCapability(req.user, 'entries:write');
    await d.presence.leave(req.params.id, user.id).catch(() => {});
    return reply.code(204).send();
  });

  app.get('/desk', async (_req, reply) => {
    const a = await deskAssets();
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'none'")
      .header('x-frame-options', 'DENY')
      .send(deskPage(a.hash));
  });

  // One stable URL for the script: the service worker caches it by this name.
  // no-cache: revalidated by ETag (a 304 costs a round trip, not the script).
  app.get('/desk/desk.js', async (req, reply) => sendEncoded(req, reply, (await deskAssets()).js, 'no-cache'));

  app.get('/desk/sw.js', async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      // The worker lives under /desk/ but must also serve the page at /desk itself.
      .header('service-worker-allowed', '/desk')
      .send(SERVICE_WORKER),
  );
}
