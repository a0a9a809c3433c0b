/**
 * /metrics for Prometheus: process figures, HTTP requests by route and status, stream
 * readers on this node, and changes received from the bus. One registry per app, so
 * tests that build several apps do not collide.
 */
import type { FastifyInstance } from 'fastify';
import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import type { Hub } from '../live/hub.ts';
import type { Bus } from '../live/bus.ts';

export function registerMetrics(app: FastifyInstance, hub: Hub, bus: Bus): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Histogram({
    name: 'unfold_http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'unfold_stream_readers',
    help: 'Readers connected to live streams on this node',
    registers: [registry],
    collect() {
      this.set(hub.readerCount);
    },
  });
  const changes = new Counter({ name: 'unfold_changes_total', help: 'Changes that reached this node, by event', labelNames: ['event'], registers: [registry] });
  // The bus may hand a change over twice (the Redis bus delivers locally, then Redis echoes
  // it); like the hubs, count each live blog's cursor once.
  const lastCursor = new Map<string, number>();
  bus.subscribe((c) => {
    if (c.cursor <= (lastCursor.get(c.liveblogId) ?? 0)) return;
    lastCursor.set(c.liveblogId, c.cursor);
    changes.inc({ event: c.event });
  });

  // A callback hook (no promise per request), on every response.
  app.addHook('onResponse', (req, reply, done) => {
    // The route pattern, not the URL: ids in URLs would make one series per entry.
    const route = req.routeOptions.url ?? 'unmatched';
    requests.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
