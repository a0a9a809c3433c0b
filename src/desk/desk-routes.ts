/**
 * /desk: the newsroom's editor, a single page. The page and its script are also kept by
 * a service worker (/desk/sw.js), so a reporter whose connection dropped can reload the
 * desk and still see, and send later, what they queued.
 */
import type { FastifyInstance } from 'fastify';
import { deskAssets } from './desk-assets.ts';
import { deskPage } from './desk-page.ts';
import { SERVICE_WORKER } from './service-worker.ts';

export function deskRoutes(app: FastifyInstance): void {
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
  app.get('/desk/desk.js', async (_req, reply) => {
    const a = await deskAssets();
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').header('etag', `"${a.hash}"`).send(a.js);
  });

  app.get('/desk/sw.js', async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      // The worker lives under /desk/ but must also serve the page at /desk itself.
      .header('service-worker-allowed', '/desk')
      .send(SERVICE_WORKER),
  );
}
