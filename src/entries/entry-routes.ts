/** /api/v1/liveblogs/{id}/entries: the reporter's messages. */
import type { FastifyInstance } from 'fastify';
import { idParam, isoTime } from '../http/schemas.ts';
import { invalid, unauthorized } from '../errors.ts';
import type { EntryInput, EntryService } from './entry-service.ts';

const fields = {
  headline: { anyOf: [{ type: 'string', maxLength: 300 }, { type: 'null' }] },
  body: { type: 'string', maxLength: 50_000 },
  keyEvent: { type: 'boolean' },
  pinned: { type: 'boolean' },
  status: { enum: ['published', 'draft', 'submitted'] },
  publishedAt: isoTime,
} as const;

const params = { type: 'object', properties: { id: idParam, entryId: idParam } } as const;

export function entryRoutes(app: FastifyInstance, service: EntryService): void {
  app.post<{ Params: { id: string }; Body: EntryInput }>(
    '/api/v1/liveblogs/:id/entries',
    { schema: { params, body: { type: 'object', additionalProperties: false, properties: fields } } },
    async (req, reply) => {
      if (!req.user) throw unauthorized();
      const key = req.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))) {
        throw invalid('Idempotency-Key must be 1–200 visible ASCII characters.', [{ path: '/headers/idempotency-key', message: 'malformed' }]);
      }
      const { entry, created } = await service.create(req.user, req.params.id, req.body, key);
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', `/api/v1/liveblogs/${req.params.id}/entries/${entry.id}`).send(entry);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; before?: string } }>(
    '/api/v1/liveblogs/:id/entries',
    {
      schema: {
        params,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, before: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (req) => service.list(req.params.id, req.user, req.query.limit, req.query.before),
  );

  app.get<{ Params: { id: string; entryId: string } }>(
    '/api/v1/liveblogs/:id/entries/:entryId',
    { schema: { params } },
    async (req) => service.read(req.params.id, req.params.entryId, req.user),
  );

  app.patch<{ Params: { id: string; entryId: string }; Body: EntryInput & { revision: number } }>(
    '/api/v1/liveblogs/:id/entries/:entryId',
    {
      schema: {
        params,
        body: {
          type: 'object',
          required: ['revision'],
          additionalProperties: false,
          properties: { ...fields, revision: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (req) => {
      if (!req.user) throw unauthorized();
      return service.update(req.user, req.params.id, req.params.entryId, req.body);
    },
  );

  app.delete<{ Params: { id: string; entryId: string } }>(
    '/api/v1/liveblogs/:id/entries/:entryId',
    { schema: { params } },
    async (req, reply) => {
      if (!req.user) throw unauthorized();
      await service.remove(req.user, req.params.id, req.params.entryId);
      return reply.code(204).send();
    },
  );
}
