/** /api/v1/session: browsers sign in and out (API.md "Authentication and roles"). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { unauthorized } from '../errors.ts';
import type { Clock } from '../time.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { UserStore } from './user-store.ts';
import { SESSION_TTL_MS, type SessionStore } from './session-store.ts';
import { SESSION_COOKIE, sessionCookie } from './auth-plugin.ts';
import { checkSignIn } from './sign-in-limiter.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';

export interface SessionRouteDeps {
  users: UserStore;
  sessions: SessionStore;
  limiter: RateLimiter;
  clock: Clock;
  publicUrl: string;
}

// Verifying against a throwaway hash when the email is unknown makes both answers take
// as long, so response times do not tell which emails have accounts.
let dummyHash: Promise<string> | null = null;
const dummy = () => (dummyHash ??= hashPassword('not-a-real-password-' + Math.random()));

export function sessionRoutes(app: FastifyInstance, d: SessionRouteDeps): void {
  const secure = d.publicUrl.startsWith('https:');
  const setCookie = (reply: FastifyReply, value: string, maxAgeMs: number) =>
    reply.setCookie(SESSION_COOKIE, value, sessionCookie(secure, maxAgeMs));

  app.post<{ Body: { email: string; password: string } }>(
    '/api/v1/session',
    {
      schema: {
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: { email: { type: 'string', minLength: 3, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: 1000 } },
        },
      },
    },
    async (req, reply) => {
      const { email, password } = req.body;
      await checkSignIn(d.limiter, email, req.ip);
      const u = await d.users.byEmail(email);
      const ok = await verifyPassword(u?.passwordHash ?? (await dummy()), password);
      if (!u || !ok || u.disabled) throw unauthorized('The email or the password is wrong.');
      // A fresh session id at every sign-in: a cookie planted before sign-in is worth nothing after it.
      const old = req.session;
      if (old) await d.sessions.remove(old.idHash);
      const now = d.clock();
      // Sign-ins are rare enough to carry the clean-up of sessions nobody will use again.
      await d.sessions.purgeExpired(now);
      const s = await d.sessions.create(u.id, now);
      setCookie(reply, s.secret, SESSION_TTL_MS);
      return { user: { id: u.id, email: u.email, name: u.name, role: u.role }, csrfToken: s.csrfToken };
    },
  );

  app.get('/api/v1/session', { schema: { summary: 'Who is signed in, with the CSRF token for cookie requests' } }, async (req) => {
    if (!req.user) throw unauthorized('Not signed in.');
    return { user: req.user, csrfToken: req.session?.csrfToken ?? null };
  });

  app.delete('/api/v1/session', { schema: { summary: 'Sign out: the session ends on the server' } }, async (req, reply) => {
    if (req.session) await d.sessions.remove(req.session.idHash);
    setCookie(reply, '', 0);
    return reply.code(204).send();
  });
}
