/**
 * /metrics for Prometheus: process figures, HTTP requests by route and status, stream
 * readers on this node, and changes received from the bus. One registry per app, so
 * tests that build several apps do not collide.
 */
import type { FastifyInstance } from 'fastify';
import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import type { Hub } from '../live/hub.ts';
import type { Bus } from '../live/bus.ts';

/** Records one answered request; the page front door calls it for the requests Fastify never sees. */
export type RecordRequest = (method: string, route: string, status: number, seconds: number) => void;

export function registerMetrics(app: FastifyInstance, hub: Hub, bus: Bus): RecordRequest {
  const registry = new Registry();
  // The event-loop lag histogram samples on a timer: prom-client's default, every 10 ms, woke
  // an idle node 100 times a second and was five sixths of its idle CPU (66 against 12 ms per
  // 10 s). Ten samples a second still catch every stall worth a page.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
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

  // One labelled child per (method, route, status), found by one string key: observing
  // through a label object would hash it on every request.
  const series = new Map<string, { observe(v: number): void }>();
  const record: RecordRequest = (method, route, status, seconds) => {
    const key = `${method} ${status} ${route}`;
    let child = series.get(key);
    if (!child) series.set(key, (child = requests.labels(method, route, String(status))));
    child.observe(seconds);
  };

  // A callback hook (no promise per request), on every response.
  app.addHook('onResponse', (req, reply, done) => {
    // The route pattern, not the URL: ids in URLs would make one series per entry.
    record(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
  return record;
}
