/** GET /api/v1/liveblogs/{id}/stream: the live stream (API.md "The live stream"). */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { idParam } from '../http/schemas.ts';
import { invalid, toProblem, unavailable } from '../errors.ts';
import type { LiveblogService } from '../liveblogs/liveblog-service.ts';
import type { Hub } from './hub.ts';

function parseCursor(raw: unknown): number | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) {
    throw invalid('Last-Event-ID must be a cursor this stream gave out (a whole number).', [
      { path: '/headers/last-event-id', message: 'not a whole number' },
    ]);
  }
  return Number(raw);
}

/**
 * Fastify listens for the response's 'finish' (and 'error') to run the onResponse hooks,
 * and that listener holds the request's Request and Reply. A direct stream's response
 * never finishes — the hub ends the socket itself — so the listener would never run, only
 * keep about 0.9 KB alive per reader for as long as the reader stays (a sixth of a reader's
 * heap; bench/notes.md, fix 16). Fastify names it `onResFinished`; if a later Fastify
 * renames it, nothing is removed and test/stream/stream-memory.test.ts says so.
 */
function forgetReply(res: ServerResponse): void {
  for (const event of ['finish', 'error'] as const) {
    for (const l of res.listeners(event)) if (l.name === 'onResFinished') res.removeListener(event, l as (...a: unknown[]) => void);
  }
}

export function streamRoutes(app: FastifyInstance, liveblogs: LiveblogService, hub: Hub): void {
  app.get<{ Params: { id: string }; Querystring: { lastEventId?: string } }>(
    '/api/v1/liveblogs/:id/stream',
    {
      schema: {
        params: { type: 'object', properties: { id: idParam } },
        querystring: { type: 'object', properties: { lastEventId: { type: 'string', maxLength: 20 } } },
      },
    },
    async (req, reply) => {
      // The header wins: EventSource sends it on its own reconnects, newer than the URL's.
      const cursor = parseCursor(req.headers['last-event-id'] ?? req.query.lastEventId);
      const lb = await liveblogs.getForStream(req.params.id, req.user);
      // A HEAD (a balancer's probe) learns the stream exists; it must not become a reader.
      if (req.method === 'HEAD') return reply.code(200).type('text/event-stream; charset=utf-8').header('cache-control', 'no-store').send();
      reply.hijack();
      try {
        if (await hub.addReader(lb.id, reply.raw, cursor)) forgetReply(reply.raw);
      } catch (err) {
        req.log.warn({ err }, 'stream could not start');
        if (!reply.raw.headersSent) {
          const e = unavailable('The live stream is unavailable for a moment; retry.');
          reply.raw.writeHead(503, { 'content-type': 'application/problem+json', ...e.headers });
          reply.raw.end(JSON.stringify(toProblem(e)));
        } else reply.raw.destroy();
      }
    },
  );
}
