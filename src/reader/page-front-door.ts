/**
 * The front door for the busiest request Unfold gets: a reader opening a public live page
 * that is fresh in the render cache. When a big story breaks, that is nearly every request,
 * and the answer is bytes already in memory. So it is answered in the HTTP server's request
 * listener, before Fastify builds its request and reply, routes and runs the hooks — the way
 * a CDN or an nginx micro-cache in front would serve it, with the same bytes, headers, ETag
 * and 304 rule as the route (chooseEncoded), and counted in /metrics like any request.
 *
 * Anything else returns false and goes to Fastify as usual: another method, credentials
 * (staff see drafts, rendered fresh), `?before=`, a slug that is not a slug, a page not in
 * the cache or due for its freshness check, and everything while the server shuts down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SESSION_COOKIE } from '../auth/auth-plugin.ts';
import { requestId } from '../http/request-id.ts';
import type { RecordRequest } from '../ops/metrics.ts';
import { chooseEncoded, type FixedHeaders } from './encoded-body.ts';
import type { PageCache } from './page-cache.ts';

/** Answers the request and returns true, or returns false without touching it. */
export type FrontDoor = (req: IncomingMessage, res: ServerResponse) => boolean;

export const LIVE_ROUTE = '/live/:slug';
const PREFIX = '/live/';
const SESSION = `${SESSION_COOKIE}=`;

export interface FrontDoorOptions {
  pages: PageCache;
  /** The route's fixed headers (cache policy, CSP …). */
  headers: FixedHeaders;
  slug: RegExp;
  record: RecordRequest;
}

export function pageFrontDoor(o: FrontDoorOptions): FrontDoor {
  // [name, value, name, value …]: writeHead takes this flat form without walking an object.
  const fixed = Object.entries(o.headers).flat();
  return (req, res) => {
    const started = performance.now();
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(PREFIX)) return false;
    const q = url.indexOf('?');
    const slug = url.slice(PREFIX.length, q === -1 ? undefined : q);
    // `before` anywhere in the query string: an older page (the route decides what it means).
    if (q !== -1 && url.includes('before', q)) return false;
    if (slug.length > 100 || !o.slug.test(slug)) return false;
    const { headers } = req;
    if (headers.authorization !== undefined || headers.cookie?.includes(SESSION)) return false;
    const page = o.pages.peek(slug);
    if (!page) return false;

    const c = chooseEncoded(headers['accept-encoding'], headers['if-none-match'], page.body);
    const out = [...fixed, 'content-type', page.body.type, 'vary', 'Accept-Encoding', 'etag', c.etag, 'x-request-id', requestId(req)];
    if (c.payload === null) {
      res.writeHead(304, out).end();
    } else {
      if (c.coding !== 'identity') out.push('content-encoding', c.coding);
      out.push('content-length', String(c.payload.length));
      res.writeHead(200, out).end(c.payload);
    }
    o.record('GET', LIVE_ROUTE, c.status, (performance.now() - started) / 1000);
    return true;
  };
}
