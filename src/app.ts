/**
 * buildApp(deps): the whole HTTP application, without listening. Tests call it and use
 * app.inject(); server.ts adds the socket, signals and start-up work.
 */
import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Deps } from './deps.ts';
import { registerErrorHandler } from './http/error-handler.ts';
import { buildValidator } from './http/validation.ts';
import { registerAuth } from './auth/auth-plugin.ts';
import { UserStore } from './auth/user-store.ts';
import { SessionStore } from './auth/session-store.ts';
import { sessionRoutes } from './auth/session-routes.ts';
import { tokenRoutes } from './auth/token-routes.ts';
import { MemoryRateLimiter } from './ratelimit/memory-rate-limiter.ts';
import { userRoutes } from './users/user-routes.ts';
import { deskRoutes } from './desk/desk-routes.ts';
import { MemoryDeskPresence } from './desk/desk-presence-store.ts';
import { LiveblogService } from './liveblogs/liveblog-service.ts';
import { liveblogRoutes } from './liveblogs/liveblog-routes.ts';
import { EntryService } from './entries/entry-service.ts';
import { entryRoutes } from './entries/entry-routes.ts';
import { Hub } from './live/hub.ts';
import { streamRoutes } from './live/stream-routes.ts';
import { opsRoutes } from './ops/ops-routes.ts';
import { registerMetrics } from './ops/metrics.ts';
import { registerOpenApi } from './ops/openapi.ts';
import { linkRoutes } from './links/link-routes.ts';
import { readerRoutes } from './reader/reader-routes.ts';
import type { FrontDoor } from './reader/page-front-door.ts';
import { requestId } from './http/request-id.ts';

export interface Services {
  users: UserStore;
  sessions: SessionStore;
  liveblogs: LiveblogService;
  entries: EntryService;
  hub: Hub;
}

export interface App {
  app: FastifyInstance;
  services: Services;
  /** Set when SIGTERM arrives: /readyz turns 503 so the balancer stops sending. */
  state: { shuttingDown: boolean };
}

/** Trust that many proxies nearest to us (proxy-addr counts hops from the socket outward). */
const hops = (n: number) => (_address: string, hop: number) => hop < n;

export async function buildApp(deps: Deps, opts: { logger?: boolean | object } = {}): Promise<App> {
  // Set once the reader routes exist; cleared when the app starts closing (Fastify answers then).
  let frontDoor: FrontDoor | null = null;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 256 * 1024,
    trustProxy: typeof deps.config.trustProxy === 'number' ? hops(deps.config.trustProxy) : deps.config.trustProxy,
    genReqId: requestId,
    schemaController: { compilersFactory: { buildValidator } },
    // Fastify's own HTTP server, plus the page front door (reader/page-front-door.ts) in its
    // request listener: a fresh cached live page is answered there, the rest goes to Fastify.
    serverFactory: (handler, opts) => {
      const o = opts as { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number };
      const server = http.createServer((req, res) => {
        if (frontDoor === null || !frontDoor(req, res)) handler(req, res);
      });
      // The timeouts Fastify would set on a server it made itself.
      server.keepAliveTimeout = o.keepAliveTimeout;
      server.requestTimeout = o.requestTimeout;
      server.setTimeout(o.connectionTimeout);
      return server;
    },
  });
  const state = { shuttingDown: false };
  const users = new UserStore(deps.db.kysely);
  const sessions = new SessionStore(deps.db.kysely);
  // A shared limiter (several nodes) comes in deps; without one (tests) this app counts in memory.
  const limiter = deps.rateLimiter ?? new MemoryRateLimiter();
  const liveblogs = new LiveblogService(deps);
  const entries = new EntryService(deps);
  const hub = new Hub({
    db: deps.db.kysely,
    bus: deps.bus,
    presence: deps.presence,
    heartbeatMs: deps.config.heartbeatMs,
    maxBuffer: deps.config.streamMaxBuffer,
    resyncMs: deps.config.resyncMs,
    log: app.log,
  });

  // The API speaks JSON: any other body is 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  registerErrorHandler(app);
  await registerAuth(app, users, sessions, deps.clock, deps.config.publicUrl);
  // A callback hook, not an async one: it runs on every response, and a promise per request shows in profiles.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    done(null, payload);
  });
  // Streams never end on their own: close them first so clients reconnect to another node.
  app.addHook('preClose', async () => {
    frontDoor = null;
    hub.close();
  });

  await registerOpenApi(app, deps.config.publicUrl);
  const record = registerMetrics(app, hub, deps.bus);
  if (!deps.rateLimiter) app.addHook('onClose', () => limiter.close());
  sessionRoutes(app, { users, sessions, limiter, clock: deps.clock, publicUrl: deps.config.publicUrl });
  tokenRoutes(app, users, deps.clock);
  userRoutes(app, { users, sessions, clock: deps.clock });
  liveblogRoutes(app, liveblogs);
  entryRoutes(app, entries);
  streamRoutes(app, liveblogs, hub);
  linkRoutes(app, deps);
  opsRoutes(app, deps.db, state);
  frontDoor = await readerRoutes(app, { deps, liveblogs, entries, record });
  deskRoutes(app, { liveblogs, entries, presence: deps.deskPresence ?? new MemoryDeskPresence(() => deps.clock().getTime()) });

  const services: Services = { users, sessions, liveblogs, entries, hub };
  return { app, services, state };
}
