/** /healthz (the process answers) and /readyz (it can serve: database reachable, not shutting down). */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/connect.ts';

export function opsRoutes(app: FastifyInstance, db: Db, state: { shuttingDown: boolean }): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (state.shuttingDown) return reply.code(503).send({ status: 'shutting down' });
    try {
      await db.ping();
      return { status: 'ready', database: db.dialect };
    } catch {
      return reply.code(503).send({ status: 'database unreachable', database: db.dialect });
    }
  });
}
