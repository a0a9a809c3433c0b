/**
 * Resolves who is calling → request.user. Two ways in:
 *  - `Authorization: Bearer <token>` (API clients): a bad or revoked token is 401 at
 *    once, so a client never mistakes a broken token for anonymous access;
 *  - the session cookie (browsers): an unknown or expired cookie is simply anonymous
 *    (browsers keep stale cookies), and an unsafe method must carry the session's
 *    `X-CSRF-Token`, else 403 — another site can make the browser send the cookie,
 *    but it cannot read the token.
 * A request without either is anonymous (request.user = null).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import { forbidden, unauthorized } from '../errors.ts';
import { iso, type Clock } from '../time.ts';
import type { User } from './roles.ts';
import type { UserStore } from './user-store.ts';
import { SESSION_TTL_MS, type Session, type SessionStore } from './session-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** Set when the caller came in with the session cookie (not with a bearer token). */
    session: Session | null;
  }
}

export const SESSION_COOKIE = 'unfold_session';

/** The cookie's attributes, the same at sign-in, renewal and sign-out. */
export const sessionCookie = (secure: boolean, maxAgeMs: number) =>
  ({ path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: Math.floor(maxAgeMs / 1000) }) as const;

/** How stale a token's "last used" may get before we write it again (a write per request would be waste). */
const TOUCH_EVERY_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Signing in replaces whatever session the browser had, so it needs no token from the old one. */
const CSRF_EXEMPT = new Set(['POST /api/v1/session']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function registerAuth(app: FastifyInstance, users: UserStore, sessions: SessionStore, clock: Clock, publicUrl: string): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  const secure = publicUrl.startsWith('https:');
  // Most requests (readers) carry neither header: they pass without a promise.
  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (req.headers.authorization === undefined && req.headers.cookie === undefined) return done();
    authenticate(req, reply).then(() => done(), done);
  });

  async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw unauthorized('The Authorization header must be "Bearer <token>".');
      const found = await users.userForToken(m[1]);
      if (!found) throw unauthorized('This token is unknown or revoked.');
      req.user = found.user;
      const now = clock();
      if (!found.lastUsedAt || now.getTime() - Date.parse(found.lastUsedAt) > TOUCH_EVERY_MS) {
        await users.touchToken(found.tokenId, iso(now));
      }
      return;
    }
    const secret = req.cookies[SESSION_COOKIE];
    if (!secret) return;
    const now = clock();
    const session = await sessions.find(secret, now);
    if (!session) return;
    const path = req.url.split('?')[0];
    if (!SAFE_METHODS.has(req.method) && !CSRF_EXEMPT.has(`${req.method} ${path}`)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken)) {
        throw forbidden('This request uses the session cookie: send the X-CSRF-Token header from GET /api/v1/session.');
      }
    }
    req.session = session;
    req.user = session.user;
    // A desk in daily use is never signed out mid-event: past half its life, a session is
    // renewed (one write per session per week, not per request).
    if (Date.parse(session.expiresAt) - now.getTime() < SESSION_TTL_MS / 2) {
      await sessions.extend(session.idHash, now);
      reply.setCookie(SESSION_COOKIE, secret, sessionCookie(secure, SESSION_TTL_MS));
    }
  }
}
