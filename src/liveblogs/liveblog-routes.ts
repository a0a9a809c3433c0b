/** /api/v1/liveblogs: create, list, read, change. */
import type { FastifyInstance } from 'fastify';
import { idParam } from '../http/schemas.ts';
import { unauthorized } from '../errors.ts';
import type { LiveblogService, LiveblogInput } from './liveblog-service.ts';
import { SLUG_PATTERN } from './slug.ts';

const fields = {
  title: { type: 'string', minLength: 1, maxLength: 300 },
  lead: { type: 'string', maxLength: 2000 },
  description: { type: 'string', maxLength: 10000 },
  status: { enum: ['draft', 'live', 'ended'] },
  slug: { type: 'string', pattern: SLUG_PATTERN, maxLength: 100 },
  language: { type: 'string', maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
  audioStreamUrl: { anyOf: [{ type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 }, { type: 'null' }] },
  commentsMode: { enum: ['open', 'premoderated', 'closed'] },
} as const;

export function liveblogRoutes(app: FastifyInstance, service: LiveblogService): void {
  app.post<{ Body: LiveblogInput & { title: string } }>(
    '/api/v1/liveblogs',
    { schema: { body: { type: 'object', required: ['title'], additionalProperties: false, properties: fields } } },
    async (req, reply) => {
      if (!req.user) throw unauthorized();
      const lb = await service.create(req.user, { ...req.body, title: req.body.title.trim() });
      return reply.code(201).header('location', `/api/v1/liveblogs/${lb.id}`).send(lb);
    },
  );

  app.get<{ Querystring: { status?: 'draft' | 'live' | 'ended'; limit?: number } }>(
    '/api/v1/liveblogs',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: fields.status, limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
        },
      },
    },
    async (req) => ({ items: await service.list(req.user, req.query.status, req.query.limit) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/liveblogs/:id',
    { schema: { params: { type: 'object', properties: { id: idParam } } } },
    async (req) => service.read(req.params.id, req.user),
  );

  app.patch<{ Params: { id: string }; Body: LiveblogInput }>(
    '/api/v1/liveblogs/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: idParam } },
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields },
      },
    },
    async (req) => {
      if (!req.user) throw unauthorized();
      return service.update(req.user, req.params.id, req.body);
    },
  );
}
