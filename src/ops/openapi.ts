/** /api/openapi.json, generated from the routes' own JSON Schemas (so it cannot drift from them). */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';

/** Must be registered before the routes: it records each route as it is added. */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Unfold API', version: '1', description: 'Live coverage for newsrooms. See API.md for the contract.' },
      servers: [{ url: publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
