/**
 * The role matrix: every endpoint, called as anonymous, reader, contributor, moderator,
 * editor and admin, answers the documented status. Each row makes fresh resources, so
 * one role's success cannot change what the next role sees. (The stream's GET is public
 * and covered over real sockets in test/stream/.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';
import type { Role } from '../../src/auth/roles.ts';

type Who = 'anonymous' | Exclude<Role, never>;
const WHO: Who[] = ['anonymous', 'reader', 'contributor', 'moderator', 'editor', 'admin'];

let t: TestApp;
const tokens = {} as Record<Who, string | null>;
let editor: string;
let live: { id: string };
let draftBlog: { id: string };

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object;
}

const as = (who: Who, c: Call) =>
  t.app.inject({ method: c.method, url: c.url, payload: c.payload, headers: tokens[who] ? auth(tokens[who]!) : {} });

async function editorCall(c: Call) {
  const r = await t.app.inject({ method: c.method, url: c.url, payload: c.payload, headers: auth(editor) });
  assert.ok(r.statusCode < 300, `${c.method} ${c.url}: ${r.statusCode} ${r.body}`);
  return r.json();
}
const entry = (status?: string) => editorCall({ method: 'POST', url: `/api/v1/liveblogs/${live.id}/entries`, payload: { body: 'x', ...(status ? { status } : {}) } });
const submission = async () => {
  const e = await editorCall({ method: 'POST', url: `/api/v1/liveblogs/${live.id}/entries`, payload: { body: 'from the field', status: 'submitted' } });
  return e as { id: string };
};

/** endpoint → a call (made fresh for each role) → expected status per role. */
const MATRIX: [string, (who: Who) => Promise<Call> | Call, Record<Who, number>][] = [
  ['POST /api/v1/liveblogs', () => ({ method: 'POST', url: '/api/v1/liveblogs', payload: { title: 'Matrix' } }),
    { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 201, admin: 201 }],
  ['GET /api/v1/liveblogs', () => ({ method: 'GET', url: '/api/v1/liveblogs' }),
    { anonymous: 200, reader: 200, contributor: 200, moderator: 200, editor: 200, admin: 200 }],
  ['GET /api/v1/liveblogs/{id} (live)', () => ({ method: 'GET', url: `/api/v1/liveblogs/${live.id}` }),
    { anonymous: 200, reader: 200, contributor: 200, moderator: 200, editor: 200, admin: 200 }],
  ['GET /api/v1/liveblogs/{id} (draft)', () => ({ method: 'GET', url: `/api/v1/liveblogs/${draftBlog.id}` }),
    { anonymous: 404, reader: 404, contributor: 404, moderator: 404, editor: 200, admin: 200 }],
  ['PATCH /api/v1/liveblogs/{id}', () => ({ method: 'PATCH', url: `/api/v1/liveblogs/${live.id}`, payload: { lead: 'new lead' } }),
    { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 200, admin: 200 }],
  ['POST …/entries', () => ({ method: 'POST', url: `/api/v1/liveblogs/${live.id}/entries`, payload: { body: 'matrix' } }),
    { anonymous: 401, reader: 403, contributor: 201, moderator: 403, editor: 201, admin: 201 }],
  ['GET …/entries', () => ({ method: 'GET', url: `/api/v1/liveblogs/${live.id}/entries` }),
    { anonymous: 200, reader: 200, contributor: 200, moderator: 200, editor: 200, admin: 200 }],
  ['GET …/entries?status=submitted', () => ({ method: 'GET', url: `/api/v1/liveblogs/${live.id}/entries?status=submitted` }),
    { anonymous: 401, reader: 403, contributor: 200, moderator: 403, editor: 200, admin: 200 }],
  ['GET …/entries/{id} (published)', async () => ({ method: 'GET', url: `/api/v1/liveblogs/${live.id}/entries/${(await entry()).id}` }),
    { anonymous: 200, reader: 200, contributor: 200, moderator: 200, editor: 200, admin: 200 }],
  ['GET …/entries/{id} (submitted)', async () => ({ method: 'GET', url: `/api/v1/liveblogs/${live.id}/entries/${(await submission()).id}` }),
    { anonymous: 404, reader: 404, contributor: 404, moderator: 404, editor: 200, admin: 200 }],
  ['PATCH …/entries/{id} (published, someone else\'s)', async () => ({ method: 'PATCH', url: `/api/v1/liveblogs/${live.id}/entries/${(await entry()).id}`, payload: { revision: 1, body: 'edited' } }),
    { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 200, admin: 200 }],
  ['PATCH …/entries/{id} with a correction', async () => ({ method: 'PATCH', url: `/api/v1/liveblogs/${live.id}/entries/${(await entry()).id}`, payload: { revision: 1, correction: 'fixed' } }),
    { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 200, admin: 200 }],
  ['DELETE …/entries/{id}', async () => ({ method: 'DELETE', url: `/api/v1/liveblogs/${live.id}/entries/${(await entry()).id}` }),
    { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 204, admin: 204 }],
  ['GET …/entries/{id}/revisions (published)', async () => ({ method: 'GET', url: `/api/v1/liveblogs/${live.id}/entries/${(await entry()).id}/revisions` }),
    { anonymous: 200, reader: 200, contributor: 200, moderator: 200, editor: 200, admin: 200 }],
  ['POST …/entries/{id}/return', async () => ({ method: 'POST', url: `/api/v1/liveblogs/${live.id}/entries/${(await submission()).id}/return`, payload: { note: 'please source this' } }),
    { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 200, admin: 200 }],
  ['POST /api/v1/preview', () => ({ method: 'POST', url: '/api/v1/preview', payload: { body: '*hi*' } }),
    { anonymous: 401, reader: 403, contributor: 200, moderator: 403, editor: 200, admin: 200 }],
  ['GET /api/v1/session', () => ({ method: 'GET', url: '/api/v1/session' }),
    { anonymous: 401, reader: 200, contributor: 200, moderator: 200, editor: 200, admin: 200 }],
  ['DELETE /api/v1/session', () => ({ method: 'DELETE', url: '/api/v1/session' }),
    { anonymous: 204, reader: 204, contributor: 204, moderator: 204, editor: 204, admin: 204 }],
  ['GET /api/v1/tokens', () => ({ method: 'GET', url: '/api/v1/tokens' }),
    { anonymous: 401, reader: 403, contributor: 200, moderator: 200, editor: 200, admin: 200 }],
  ['POST /api/v1/tokens', () => ({ method: 'POST', url: '/api/v1/tokens', payload: { label: 'matrix' } }),
    { anonymous: 401, reader: 403, contributor: 201, moderator: 201, editor: 201, admin: 201 }],
  ['DELETE /api/v1/tokens/{id} (own)', async (who) => {
    const own = tokens[who] ? (await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(tokens[who]!), payload: { label: 'to revoke' } })).json().id : 'none';
    return { method: 'DELETE', url: `/api/v1/tokens/${own}` };
  }, { anonymous: 401, reader: 403, contributor: 204, moderator: 204, editor: 204, admin: 204 }],
  ['GET /api/v1/users', () => ({ method: 'GET', url: '/api/v1/users' }),
    { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 403, admin: 200 }],
  ['POST /api/v1/users', (who) => ({ method: 'POST', url: '/api/v1/users', payload: { email: `new-${who}@test.invalid`, name: 'New', role: 'contributor', password: 'long enough' } }),
    { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 403, admin: 201 }],
  ['PATCH /api/v1/users/{id}', async () => {
    const u = await t.services.users.create({ email: `p${Math.random()}@test.invalid`, name: 'P', role: 'contributor', passwordHash: null }, new Date().toISOString());
    return { method: 'PATCH', url: `/api/v1/users/${u.id}`, payload: { role: 'editor' } };
  }, { anonymous: 401, reader: 403, contributor: 403, moderator: 403, editor: 403, admin: 200 }],
  ['PUT …/desk-presence', () => ({ method: 'PUT', url: `/api/v1/liveblogs/${live.id}/desk-presence`, payload: { editing: null } }),
    { anonymous: 401, reader: 403, contributor: 200, moderator: 403, editor: 200, admin: 200 }],
  ['DELETE …/desk-presence', () => ({ method: 'DELETE', url: `/api/v1/liveblogs/${live.id}/desk-presence` }),
    { anonymous: 401, reader: 403, contributor: 204, moderator: 403, editor: 204, admin: 204 }],
  ['GET /desk (the app shell; its API calls carry the rules)', () => ({ method: 'GET', url: '/desk' }),
    { anonymous: 200, reader: 200, contributor: 200, moderator: 200, editor: 200, admin: 200 }],
  ['GET /s/{code}', () => ({ method: 'GET', url: `/s/${live.id}` }),
    { anonymous: 301, reader: 301, contributor: 301, moderator: 301, editor: 301, admin: 301 }],
];

before(async () => {
  t = await makeTestApp();
  editor = await t.tokenFor('editor');
  tokens.anonymous = null;
  for (const w of WHO) if (w !== 'anonymous') tokens[w] = await t.tokenFor(w as Role);
  live = await editorCall({ method: 'POST', url: '/api/v1/liveblogs', payload: { title: 'Roles live', status: 'live' } });
  draftBlog = await editorCall({ method: 'POST', url: '/api/v1/liveblogs', payload: { title: 'Roles draft' } });
});
after(() => t.close());

for (const [name, make, expected] of MATRIX) {
  test(name, async () => {
    const got = {} as Record<Who, number>;
    for (const who of WHO) got[who] = (await as(who, await make(who))).statusCode;
    assert.deepEqual(got, expected);
  });
}

test('a problem body comes with every refusal', async () => {
  const r = await as('contributor', { method: 'GET', url: '/api/v1/users' });
  assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.equal(r.json().status, 403);
});
