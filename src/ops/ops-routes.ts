/** /healthz (the process answers) and /readyz (it can serve: database reachable, not shutting down). */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/connect.ts';

export function opsRoutes(app: FastifyInstance, db: Db, state: { shuttingDown: boolean }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (state.shuttingDown) return reply.code(503).send({ status: 'shutting down' });
    try {
      await db.ping();
    } catch {
      // problem+json with Retry-After, like a write that fails for the same reason.
      return reply
        .code(503)
        .type('application/problem+json')
        .header('retry-after', '2')
        .send({ type: 'https://unfold.dev/problems/unavailable', title: 'Service unavailable', status: 503, detail: 'The database is unreachable.', database: db.dialect });
    }
    return { status: 'ready', database: db.dialect };
  });
}
