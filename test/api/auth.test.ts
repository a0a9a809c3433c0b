/** Sign-in, cookie sessions, CSRF, bearer tokens, the sign-in rate limit, and admin user management. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';
import { hashPassword } from '../../src/auth/password.ts';
import type { Role } from '../../src/auth/roles.ts';
import { SIGN_IN_LIMITS } from '../../src/auth/sign-in-limiter.ts';

let t: TestApp;
const PASSWORD = 'correct horse battery';

async function person(email: string, role: Role = 'editor') {
  return t.services.users.create({ email, name: email.split('@')[0], role, passwordHash: await hashPassword(PASSWORD) }, new Date().toISOString());
}

async function signIn(email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password }, headers });
}

/** The cookie header a browser would send back after this answer. */
function cookieOf(res: Awaited<ReturnType<typeof signIn>>): string {
  const c = res.cookies.find((x) => x.name === 'unfold_session');
  assert.ok(c, 'a session cookie is set');
  return `unfold_session=${c.value}`;
}

before(async () => {
  // The tests come through a "proxy" at 127.0.0.1 (inject's address) that sets X-Forwarded-For.
  t = await makeTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
});
after(() => t.close());

test('sign-in sets an HttpOnly, SameSite=Lax cookie; GET answers the user and a CSRF token; sign-out ends it', async () => {
  await person('ana@test.invalid');
  const res = await signIn('ANA@test.invalid');
  assert.equal(res.statusCode, 200);
  const c = res.cookies.find((x) => x.name === 'unfold_session')!;
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, 'Lax');
  assert.equal(c.path, '/');
  assert.ok(!c.secure, 'not Secure on an http PUBLIC_URL');
  assert.equal(res.json().user.email, 'ana@test.invalid');
  const cookie = cookieOf(res);
  const me = await t.app.inject({ url: '/api/v1/session', headers: { cookie } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().user.role, 'editor');
  assert.equal(me.json().csrfToken, res.json().csrfToken);

  // A second sign-in gets a new session id; the old one keeps working only until it is signed out.
  const again = await signIn('ana@test.invalid', PASSWORD, { cookie });
  assert.notEqual(cookieOf(again), cookie);
  assert.equal((await t.app.inject({ url: '/api/v1/session', headers: { cookie } })).statusCode, 401, 'signing in replaces the session the browser had');

  const fresh = cookieOf(again);
  const csrf = again.json().csrfToken;
  assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: fresh } })).statusCode, 403, 'sign-out needs the CSRF token');
  const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: fresh, 'x-csrf-token': csrf } });
  assert.equal(out.statusCode, 204);
  assert.equal((await t.app.inject({ url: '/api/v1/session', headers: { cookie: fresh } })).statusCode, 401, 'the session is gone on the server');
  assert.equal((await t.app.inject({ url: '/api/v1/session' })).statusCode, 401);
});

test('a session in use is renewed past half its life, so a desk is not signed out mid-event', async () => {
  await person('gil@test.invalid');
  const cookie = cookieOf(await signIn('gil@test.invalid'));
  const soon = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  await t.deps.db.kysely.updateTable('sessions').set({ expires_at: soon }).execute();
  const r = await t.app.inject({ url: '/api/v1/session', headers: { cookie } });
  assert.equal(r.statusCode, 200);
  const renewed = r.cookies.find((c) => c.name === 'unfold_session');
  assert.ok(renewed && renewed.maxAge! > 13 * 24 * 3600, 'the cookie is set again for the full time');
  assert.equal(renewed.httpOnly, true);
  const row = await t.deps.db.kysely.selectFrom('sessions').select('expires_at').orderBy('expires_at', 'desc').executeTakeFirstOrThrow();
  assert.ok(row.expires_at > soon);
  assert.equal((await t.app.inject({ url: '/api/v1/session', headers: { cookie } })).cookies.length, 0, 'renewed once, not on every request');
});

test('the cookie is Secure when PUBLIC_URL is https', async () => {
  const s = await makeTestApp({ env: { PUBLIC_URL: 'https://news.example' } });
  try {
    await s.services.users.create({ email: 'sec@test.invalid', name: 'Sec', role: 'editor', passwordHash: await hashPassword(PASSWORD) }, new Date().toISOString());
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'sec@test.invalid', password: PASSWORD } });
    assert.equal(res.cookies.find((x) => x.name === 'unfold_session')!.secure, true);
  } finally {
    await s.close();
  }
});

test('wrong password, unknown email and disabled account are the same 401', async () => {
  const u = await person('bo@test.invalid');
  assert.equal((await signIn('bo@test.invalid', 'wrong password')).statusCode, 401);
  assert.equal((await signIn('nobody@test.invalid')).statusCode, 401);
  await t.services.users.update(u.id, { disabled: true });
  const r = await signIn('bo@test.invalid');
  assert.equal(r.statusCode, 401);
  assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
});

test('unsafe requests under a cookie session need X-CSRF-Token (403 without); bearer requests do not', async () => {
  await person('cy@test.invalid');
  const res = await signIn('cy@test.invalid');
  const cookie = cookieOf(res);
  const csrf = res.json().csrfToken;
  const create = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', payload: { title: 'CSRF' }, headers });
  assert.equal((await create({ cookie })).statusCode, 403);
  assert.equal((await create({ cookie, 'x-csrf-token': 'forged' })).statusCode, 403);
  assert.equal((await t.app.inject({ url: '/api/v1/liveblogs?status=draft', headers: { cookie } })).json().items.length, 0, 'nothing was created');
  assert.equal((await create({ cookie, 'x-csrf-token': csrf })).statusCode, 201);
  assert.equal((await create(auth(await t.tokenFor('editor')))).statusCode, 201);
});

test('tokens: created and shown once, listed with label and last use, revoked → 401 at once', async () => {
  const token = await t.tokenFor('contributor');
  const created = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(token), payload: { label: 'wire importer' } });
  assert.equal(created.statusCode, 201);
  const { id, token: secret, label } = created.json();
  assert.equal(label, 'wire importer');
  assert.match(secret, /^unf_/);
  assert.equal((await t.app.inject({ url: '/api/v1/session', headers: auth(secret) })).statusCode, 200);

  const list = (await t.app.inject({ url: '/api/v1/tokens', headers: auth(secret) })).json().items;
  const mine = list.find((x: { id: string }) => x.id === id);
  assert.equal(mine.label, 'wire importer');
  assert.ok(mine.lastUsedAt, 'last use is recorded');
  assert.ok(!JSON.stringify(list).includes(secret), 'the secret is never listed');

  assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: auth(token) })).statusCode, 204);
  assert.equal((await t.app.inject({ url: '/api/v1/session', headers: auth(secret) })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: auth(token) })).statusCode, 404);
  // Someone else's token cannot be revoked by id.
  const other = (await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(token), payload: { label: 'x' } })).json();
  assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${other.id}`, headers: auth(await t.tokenFor('editor')) })).statusCode, 404);
});

test('sign-in is limited per account: 429 with Retry-After, even with the right password', async () => {
  await person('dee@test.invalid');
  for (let i = 0; i < 10; i++) assert.equal((await signIn('dee@test.invalid', 'nope')).statusCode, 401);
  const blocked = await signIn('dee@test.invalid');
  assert.equal(blocked.statusCode, 429);
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  assert.equal(blocked.json().status, 429);
  // Whoever guessed from that address did not lock Dee out: she signs in from her own.
  assert.equal((await signIn('dee@test.invalid', PASSWORD, { 'x-forwarded-for': '198.51.100.7' })).statusCode, 200);
});

test('without TRUST_PROXY a client cannot choose its address with X-Forwarded-For', async () => {
  const direct = await makeTestApp();
  try {
    const hit = (i: number) =>
      direct.app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'x-forwarded-for': `203.0.113.${i % 250}` }, payload: { email: `nobody${i}@test.invalid`, password: 'wrong password' } });
    let last = 0;
    for (let i = 0; i <= SIGN_IN_LIMITS.perAddress.max; i++) last = (await hit(i)).statusCode;
    assert.equal(last, 429, 'every attempt counted against the real address');
  } finally {
    await direct.close();
  }
});

test('sign-in is limited per address across accounts', async () => {
  const from = { 'x-forwarded-for': '203.0.113.9' };
  const { max } = SIGN_IN_LIMITS.perAddress;
  let last = 0;
  for (let i = 0; i <= max; i++) last = (await signIn(`guess${i}@test.invalid`, 'nope', from)).statusCode;
  assert.equal(last, 429);
  // Another address is not held back.
  await person('eve@test.invalid');
  assert.equal((await signIn('eve@test.invalid', PASSWORD, { 'x-forwarded-for': '203.0.113.10' })).statusCode, 200);
});

test('admins add people, change roles, disable them (sessions and tokens stop at once)', async () => {
  const admin = await t.tokenFor('admin');
  const add = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: auth(admin), payload: { email: 'fay@test.invalid', name: 'Fay', role: 'contributor', password: PASSWORD } });
  assert.equal(add.statusCode, 201);
  const fay = add.json();
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: auth(admin), payload: { email: 'fay@test.invalid', name: 'F', role: 'editor', password: PASSWORD } })).statusCode, 409);
  const session = await signIn('fay@test.invalid');
  const cookie = cookieOf(session);
  const token = (await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie, 'x-csrf-token': session.json().csrfToken }, payload: { label: 'x' } })).json().token;

  const promoted = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${fay.id}`, headers: auth(admin), payload: { role: 'editor' } });
  assert.equal(promoted.json().role, 'editor');
  assert.equal((await t.app.inject({ url: '/api/v1/session', headers: { cookie } })).json().user.role, 'editor', 'a new role applies at once');
  assert.equal((await t.app.inject({ url: '/api/v1/users', headers: auth(admin) })).json().items.some((u: { id: string }) => u.id === fay.id), true);

  assert.equal((await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${fay.id}`, headers: auth(admin), payload: { disabled: true } })).statusCode, 200);
  assert.equal((await t.app.inject({ url: '/api/v1/session', headers: { cookie } })).statusCode, 401);
  assert.equal((await t.app.inject({ url: '/api/v1/session', headers: auth(token) })).statusCode, 401);
  assert.equal((await signIn('fay@test.invalid')).statusCode, 401);
});

test('the last admin cannot be disabled or demoted', async () => {
  const s = await makeTestApp();
  try {
    const u = await s.services.users.create({ email: 'root@test.invalid', name: 'Root', role: 'admin', passwordHash: null }, new Date().toISOString());
    const token = await s.services.users.createToken(u.id, 't', new Date().toISOString());
    const r = await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: auth(token), payload: { role: 'editor' } });
    assert.equal(r.statusCode, 409);
    assert.equal((await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: auth(token), payload: { disabled: true } })).statusCode, 409);
  } finally {
    await s.close();
  }
});
