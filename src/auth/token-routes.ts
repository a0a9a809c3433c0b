/** /api/v1/tokens: a user's bearer tokens for newsroom tools — shown once, listed, revoked. */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../errors.ts';
import { idParam } from '../http/schemas.ts';
import { iso, type Clock } from '../time.ts';
import { requireCapability } from './roles.ts';
import type { UserStore } from './user-store.ts';

export function tokenRoutes(app: FastifyInstance, users: UserStore, clock: Clock): void {
  app.get('/api/v1/tokens', { schema: { summary: "The caller's tokens, with label and last use (never the secret)" } }, async (req) => {
    const u = requireCapability(req.user, 'tokens:own');
    return { items: await users.listTokens(u.id) };
  });

  app.post<{ Body: { label: string } }>(
    '/api/v1/tokens',
    {
      schema: {
        body: { type: 'object', required: ['label'], additionalProperties: false, properties: { label: { type: 'string', minLength: 1, maxLength: 200 } } },
      },
    },
    async (req, reply) => {
      const u = requireCapability(req.user, 'tokens:own');
      // The secret is in this answer only; the database keeps its hash.
      const t = await users.issueToken(u.id, req.body.label.trim() || 'token', iso(clock()));
      return reply.code(201).header('cache-control', 'no-store').send(t);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/tokens/:id',
    { schema: { params: { type: 'object', properties: { id: idParam } } } },
    async (req, reply) => {
      const u = requireCapability(req.user, 'tokens:own');
      if (!(await users.revokeToken(u.id, req.params.id, iso(clock())))) throw notFound('This token');
      return reply.code(204).send();
    },
  );
}
