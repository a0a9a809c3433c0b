/**
 * Resolves who is calling: `Authorization: Bearer <token>` → request.user. A request
 * without credentials is anonymous (request.user = null); a bad or revoked token is 401
 * at once, so a client never mistakes a broken token for anonymous access.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unauthorized } from '../errors.ts';
import { iso, type Clock } from '../time.ts';
import type { User } from './roles.ts';
import type { UserStore } from './user-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

/** How stale a token's "last used" may get before we write it again (a write per request would be waste). */
const TOUCH_EVERY_MS = 60_000;

export function registerAuth(app: FastifyInstance, users: UserStore, clock: Clock): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    if (!header) return;
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthorized('The Authorization header must be "Bearer <token>".');
    const found = await users.userForToken(m[1]);
    if (!found) throw unauthorized('This token is unknown or revoked.');
    req.user = found.user;
    const now = clock();
    if (!found.lastUsedAt || now.getTime() - Date.parse(found.lastUsedAt) > TOUCH_EVERY_MS) {
      await users.touchToken(found.tokenId, iso(now));
    }
  });
}
