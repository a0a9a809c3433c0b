/** /api/v1/users: admins add staff, change roles, disable accounts (the desk's "People" tab). */
import type { FastifyInstance } from 'fastify';
import { conflict, notFound } from '../errors.ts';
import { idParam } from '../http/schemas.ts';
import { iso, type Clock } from '../time.ts';
import { ALL_ROLES, requireCapability, type Role } from '../auth/roles.ts';
import { hashPassword } from '../auth/password.ts';
import { EMAIL_PATTERN } from '../auth/email.ts';
import type { UserStore } from '../auth/user-store.ts';
import type { SessionStore } from '../auth/session-store.ts';

const fields = {
  email: { type: 'string', pattern: EMAIL_PATTERN, maxLength: 320 },
  name: { type: 'string', minLength: 1, maxLength: 200 },
  role: { enum: [...ALL_ROLES] },
  password: { type: 'string', minLength: 8, maxLength: 1000 },
  disabled: { type: 'boolean' },
} as const;

interface UserPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
}

export function userRoutes(app: FastifyInstance, d: { users: UserStore; sessions: SessionStore; clock: Clock }): void {
  app.get('/api/v1/users', { schema: { summary: 'Every account (admins only)' } }, async (req) => {
    requireCapability(req.user, 'users:manage');
    return { items: await d.users.list() };
  });

  app.post<{ Body: { email: string; name: string; role: Role; password: string } }>(
    '/api/v1/users',
    { schema: { body: { type: 'object', required: ['email', 'name', 'role', 'password'], additionalProperties: false, properties: fields } } },
    async (req, reply) => {
      requireCapability(req.user, 'users:manage');
      const { email, name, role, password } = req.body;
      if (await d.users.byEmail(email)) throw conflict(`A user with the email ${email} already exists.`);
      const u = await d.users.create({ email, name: name.trim(), role, passwordHash: await hashPassword(password) }, iso(d.clock()));
      return reply.code(201).send({ ...u, disabled: false });
    },
  );

  app.patch<{ Params: { id: string }; Body: UserPatch }>(
    '/api/v1/users/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: idParam } },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { name: fields.name, role: fields.role, disabled: fields.disabled, password: fields.password },
        },
      },
    },
    async (req) => {
      requireCapability(req.user, 'users:manage');
      const cur = await d.users.anyById(req.params.id);
      if (!cur) throw notFound('This user');
      const b = req.body;
      const losesAdmin = cur.role === 'admin' && !cur.disabled && (b.disabled === true || (b.role !== undefined && b.role !== 'admin'));
      if (losesAdmin && (await d.users.otherActiveAdmins(cur.id)) === 0) {
        throw conflict('This is the last active admin: make someone else admin first.');
      }
      await d.users.update(cur.id, {
        name: b.name?.trim(),
        role: b.role,
        disabled: b.disabled,
        passwordHash: b.password === undefined ? undefined : await hashPassword(b.password),
      });
      // A disabled account or a new password ends the sessions at once; tokens of a disabled
      // user stop too (the token lookup requires an enabled user).
      if (b.disabled === true || b.password !== undefined) await d.sessions.removeForUser(cur.id);
      return d.users.anyById(cur.id);
    },
  );
}
