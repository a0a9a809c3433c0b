/** /api/v1/liveblogs/{id}/entries: the reporter's messages. */
import type { FastifyInstance } from 'fastify';
import { idParam, isoTime } from '../http/schemas.ts';
import { invalid, unauthorized } from '../errors.ts';
import { requireCapability } from '../auth/roles.ts';
import type { EntryInput, EntryPatch, EntryService } from './entry-service.ts';
import type { EntryTable } from '../db/schema.ts';
import { renderMarkdown } from './markdown.ts';
import type { FastifyRequest } from 'fastify';

/** The request's Idempotency-Key, checked: 1–200 visible ASCII characters, or none. */
function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))) {
    throw invalid('Idempotency-Key must be 1–200 visible ASCII characters.', [{ path: '/headers/idempotency-key', message: 'malformed' }]);
  }
  return key;
}

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
      const { entry, created } = await service.create(req.user, req.params.id, req.body, idempotencyKeyOf(req));
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', `/api/v1/liveblogs/${req.params.id}/entries/${entry.id}`).send(entry);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; before?: string; status?: EntryTable['status']; author?: string } }>(
    '/api/v1/liveblogs/:id/entries',
    {
      schema: {
        params,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            before: { type: 'string', maxLength: 200 },
            // draft and submitted are for the desk (401/403 for others).
            status: fields.status,
            // One person's entries: the desk lists the signed-in user's own drafts.
            author: idParam,
          },
        },
      },
    },
    async (req) => service.list(req.params.id, req.user, req.query.limit, req.query.before, req.query.status, req.query.author),
  );

  app.get<{ Params: { id: string; entryId: string } }>(
    '/api/v1/liveblogs/:id/entries/:entryId',
    { schema: { params } },
    async (req) => service.read(req.params.id, req.params.entryId, req.user),
  );

  app.patch<{ Params: { id: string; entryId: string }; Body: EntryPatch }>(
    '/api/v1/liveblogs/:id/entries/:entryId',
    {
      schema: {
        params,
        body: {
          type: 'object',
          required: ['revision'],
          additionalProperties: false,
          properties: {
            ...fields,
            revision: { type: 'integer', minimum: 1 },
            correction: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' },
            verification: { anyOf: [{ enum: ['unconfirmed', 'confirmed', 'retracted'] }, { type: 'null' }] },
            verificationNote: { anyOf: [{ type: 'string', maxLength: 500 }, { type: 'null' }] },
          },
        },
      },
    },
    async (req, reply) => {
      if (!req.user) throw unauthorized();
      // With Idempotency-Key, a resent edit (the desk publishing a draft from its outbox) answers as the first did.
      const { entry, replayed } = await service.edit(req.user, req.params.id, req.params.entryId, req.body, idempotencyKeyOf(req));
      if (replayed) reply.header('idempotent-replayed', 'true');
      return entry;
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

  app.get<{ Params: { id: string; entryId: string } }>(
    '/api/v1/liveblogs/:id/entries/:entryId/revisions',
    { schema: { params } },
    async (req) => service.revisions(req.params.id, req.params.entryId, req.user),
  );

  app.post<{ Params: { id: string; entryId: string }; Body: { note: string; revision?: number } }>(
    '/api/v1/liveblogs/:id/entries/:entryId/return',
    {
      schema: {
        params,
        body: {
          type: 'object',
          required: ['note'],
          additionalProperties: false,
          properties: { note: { type: 'string', minLength: 1, maxLength: 1000, pattern: '\\S' }, revision: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (req) => {
      if (!req.user) throw unauthorized();
      return service.returnToAuthor(req.user, req.params.id, req.params.entryId, req.body.note, req.body.revision);
    },
  );

  // The desk's live preview: the very renderer readers' entries go through.
  app.post<{ Body: { body: string } }>(
    '/api/v1/preview',
    { schema: { body: { type: 'object', required: ['body'], additionalProperties: false, properties: { body: fields.body } } } },
    async (req) => {
      requireCapability(req.user, 'entries:write');
      return { html: renderMarkdown(req.body.body) };
    },
  );
}
