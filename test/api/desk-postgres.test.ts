/**
 * The desk's SQL on PostgreSQL: sessions, tokens, corrections and their history, returns
 * and the desk's lists, through the real app on a fresh schema. (The API tests run on
 * SQLite; this checks the same statements on the other dialect.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { connect, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { MemoryBus } from '../../src/live/bus.ts';
import { LocalPresence } from '../../src/live/presence.ts';
import { buildApp, type App } from '../../src/app.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { systemClock } from '../../src/time.ts';
import { freshSchema, pgSkip, type PgSchema } from '../helpers/pg.ts';
import { auth } from '../helpers/test-app.ts';

const skip = await pgSkip();
let schema: PgSchema;
let db: Db;
let built: App;

before(async () => {
  if (skip) return;
  schema = await freshSchema();
  db = await connect({ dataDir: '', databaseUrl: schema.url, pgSchema: schema.schema, pgPoolMax: 4 });
  await migrateToLatest(db.kysely);
  const config = loadConfig({ UNFOLD_DEMO: '0', PUBLIC_URL: 'http://unfold.test' });
  built = await buildApp({ config, db, bus: new MemoryBus(), presence: new LocalPresence(), clock: systemClock });
});
after(async () => {
  await built?.app.close();
  await db?.close();
  await schema?.drop();
});

test('sessions, CSRF and tokens on PostgreSQL', { skip }, async () => {
  const { app, services } = built;
  await services.users.create({ email: 'pg@test.invalid', name: 'Pg Editor', role: 'editor', passwordHash: await hashPassword('a long password') }, new Date().toISOString());
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'pg@test.invalid', password: 'a long password' } });
  assert.equal(res.statusCode, 200);
  const cookie = `unfold_session=${res.cookies.find((c) => c.name === 'unfold_session')!.value}`;
  const csrf = res.json().csrfToken;
  assert.equal((await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie }, payload: { label: 'x' } })).statusCode, 403);
  const tok = (await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie, 'x-csrf-token': csrf }, payload: { label: 'x' } })).json();
  assert.equal((await app.inject({ url: '/api/v1/session', headers: auth(tok.token) })).statusCode, 200);
  assert.equal((await app.inject({ url: '/api/v1/tokens', headers: auth(tok.token) })).json().items[0].label, 'x');
  assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${tok.id}`, headers: { cookie, 'x-csrf-token': csrf } })).statusCode, 204);
  assert.equal((await app.inject({ url: '/api/v1/session', headers: auth(tok.token) })).statusCode, 401);
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, 'x-csrf-token': csrf } })).statusCode, 204);
  assert.equal((await app.inject({ url: '/api/v1/session', headers: { cookie } })).statusCode, 401);
});

test('corrections, labels, history, returns and the desk lists on PostgreSQL', { skip }, async () => {
  const { app, services } = built;
  const now = new Date().toISOString();
  const ed = await services.users.create({ email: 'ed@pg.invalid', name: 'Ed', role: 'editor', passwordHash: null }, now);
  const co = await services.users.create({ email: 'co@pg.invalid', name: 'Co', role: 'contributor', passwordHash: null }, now);
  const editor = await services.users.createToken(ed.id, 't', now);
  const contributor = await services.users.createToken(co.id, 't', now);
  const lb = (await app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'PG desk', status: 'live' } })).json();
  const url = `/api/v1/liveblogs/${lb.id}/entries`;
  const e = (await app.inject({ method: 'POST', url, headers: auth(editor), payload: { body: 'Twelve hurt.' } })).json();
  const c = (await app.inject({ method: 'PATCH', url: `${url}/${e.id}`, headers: auth(editor), payload: { revision: 1, body: 'Twenty hurt.', correction: 'Number fixed.', verification: 'confirmed' } })).json();
  assert.deepEqual([c.revision, c.correction.note, c.verification], [2, 'Number fixed.', 'confirmed']);
  const h = (await app.inject(`${url}/${e.id}/revisions`)).json().items;
  assert.deepEqual(h.map((r: { revision: number; correction: string | null }) => [r.revision, r.correction]), [[1, null], [2, 'Number fixed.']]);
  assert.equal(h[1].editedBy.name, 'Ed');

  const s = (await app.inject({ method: 'POST', url, headers: auth(contributor), payload: { body: 'From the field' } })).json();
  assert.equal((await app.inject({ url: `${url}?status=submitted`, headers: auth(editor) })).json().items.length, 1);
  const back = (await app.inject({ method: 'POST', url: `${url}/${s.id}/return`, headers: auth(editor), payload: { note: 'Source?' } })).json();
  assert.deepEqual([back.status, back.returnNote], ['draft', 'Source?']);
  assert.equal((await app.inject({ url: `${url}?status=draft`, headers: auth(contributor) })).json().items[0].id, s.id);
});
