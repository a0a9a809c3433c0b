import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let editor: string;
let contributor: string;
let lb: { id: string; slug: string };
before(async () => {
  t = await makeTestApp();
  editor = await t.tokenFor('editor', 'Ed Itor');
  contributor = await t.tokenFor('contributor');
  lb = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'Entries', status: 'live' } })).json();
});
after(() => t.close());

const url = () => `/api/v1/liveblogs/${lb.id}/entries`;
const create = (payload: unknown, token = editor, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: url(), headers: { ...auth(token), ...headers }, payload: payload as object });
const changeCount = async () =>
  Number((await t.deps.db.kysely.selectFrom('changes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

test('an editor publishes an entry: rendered, sanitized, with URLs', async () => {
  const r = await create({ headline: ' Breaking ', body: 'He said **no**. <script>alert(1)</script>' });
  assert.equal(r.statusCode, 201);
  const e = r.json();
  assert.equal(e.headline, 'Breaking');
  assert.equal(e.status, 'published');
  assert.equal(e.revision, 1);
  assert.equal(e.author.name, 'Ed Itor');
  assert.equal(e.keyEvent, false);
  assert.deepEqual(e.media, []);
  assert.match(e.html, /<strong>no<\/strong>/);
  assert.doesNotMatch(e.html, /<script/);
  assert.equal(e.url, `http://unfold.test/live/${lb.slug}#entry-${e.id}`);
  assert.equal(e.shortUrl, `http://unfold.test/s/${e.id}`);
  const got = await t.app.inject(`${url()}/${e.id}`);
  assert.deepEqual(got.json(), e);
  const s = await t.app.inject(`/s/${e.id}`);
  assert.equal(s.statusCode, 301);
  assert.equal(s.headers.location, e.url);
});

test('headline or body is required; bad fields are 400 and change nothing', async () => {
  const n = await changeCount();
  for (const payload of [{}, { headline: '  ', body: ' ' }, { headline: null }, { body: 5 }, { body: 'x', keyEvent: 'yes' }, { body: 'x', status: 'gone' }, { body: 'x', publishedAt: 'yesterday' }, { body: 'x', mood: 'happy' }]) {
    const r = await create(payload);
    assert.equal(r.statusCode, 400, JSON.stringify(payload));
    assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.ok(Array.isArray(r.json().errors));
  }
  assert.equal((await create({ body: 'x' }, editor, { 'idempotency-key': 'bad key with spaces' })).statusCode, 400);
  assert.equal(await changeCount(), n);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs/missing/entries', headers: auth(editor), payload: { body: 'x' } })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'POST', url: url(), payload: { body: 'x' } })).statusCode, 401);
});

test('list is newest first with cursor pagination', async () => {
  const fresh = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'Paging', status: 'live' } })).json();
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const r = await t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${fresh.id}/entries`, headers: auth(editor), payload: { body: `n${i}`, publishedAt: `2018-01-15T07:${10 + (i % 3)}:00.000Z` } });
    ids.push(r.json().id);
  }
  const seen: string[] = [];
  let next: string | null = null;
  do {
    const query: string = next ? `&before=${next}` : '';
    const page = await t.app.inject(`/api/v1/liveblogs/${fresh.id}/entries?limit=3${query}`);
    assert.equal(page.statusCode, 200);
    const body: { items: { id: string }[]; next: string | null } = page.json();
    assert.ok(body.items.length <= 3);
    seen.push(...body.items.map((e) => e.id));
    next = body.next;
  } while (next);
  assert.equal(seen.length, 7);
  assert.equal(new Set(seen).size, 7);
  const all = (await t.app.inject(`/api/v1/liveblogs/${fresh.id}/entries?limit=100`)).json().items;
  assert.deepEqual(all.map((e: { id: string }) => e.id), seen);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].publishedAt >= all[i].publishedAt);
  assert.equal((await t.app.inject(`${url()}?limit=0`)).statusCode, 400);
  assert.equal((await t.app.inject(`${url()}?limit=101`)).statusCode, 400);
  assert.equal((await t.app.inject(`${url()}?before=garbage`)).statusCode, 400);
});

test('PATCH edits the revision it names; a stale revision is 409 with the current entry', async () => {
  const e = (await create({ headline: 'First', body: 'one' })).json();
  const ok = await t.app.inject({ method: 'PATCH', url: `${url()}/${e.id}`, headers: auth(editor), payload: { revision: 1, body: 'two', keyEvent: true } });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.json().revision, 2);
  assert.equal(ok.json().body, 'two');
  assert.equal(ok.json().headline, 'First');
  assert.equal(ok.json().keyEvent, true);
  const stale = await t.app.inject({ method: 'PATCH', url: `${url()}/${e.id}`, headers: auth(editor), payload: { revision: 1, body: 'three' } });
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().current.body, 'two');
  assert.equal((await t.app.inject(`${url()}/${e.id}`)).json().body, 'two');
  assert.equal((await t.app.inject({ method: 'PATCH', url: `${url()}/${e.id}`, headers: auth(editor), payload: { body: 'x' } })).statusCode, 400);
  assert.equal((await t.app.inject({ method: 'PATCH', url: `${url()}/${e.id}`, headers: auth(editor), payload: { revision: 2, headline: '', body: '' } })).statusCode, 400);
  const revs = await t.deps.db.kysely.selectFrom('entry_revisions').selectAll().where('entry_id', '=', e.id).execute();
  assert.deepEqual(revs.map((r) => r.body), ['one'], 'the earlier text is kept');
});

test('DELETE removes the entry for readers', async () => {
  const e = (await create({ body: 'to delete' })).json();
  assert.equal((await t.app.inject({ method: 'DELETE', url: `${url()}/${e.id}` })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'DELETE', url: `${url()}/${e.id}`, headers: auth(editor) })).statusCode, 204);
  assert.equal((await t.app.inject(`${url()}/${e.id}`)).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'DELETE', url: `${url()}/${e.id}`, headers: auth(editor) })).statusCode, 404);
});

test('a contributor submits; readers see it only after an editor publishes it', async () => {
  const s = (await create({ headline: 'From the field' }, contributor)).json();
  assert.equal(s.status, 'submitted');
  assert.equal((await t.app.inject(`${url()}/${s.id}`)).statusCode, 404);
  assert.equal((await create({ body: 'x', publishedAt: '2018-01-15T07:00:00.000Z' }, contributor)).statusCode, 403);
  const pub = await t.app.inject({ method: 'PATCH', url: `${url()}/${s.id}`, headers: auth(editor), payload: { revision: 1, status: 'published' } });
  assert.equal(pub.json().status, 'published');
  assert.equal((await t.app.inject(`${url()}/${s.id}`)).statusCode, 200);
  const edit = await t.app.inject({ method: 'PATCH', url: `${url()}/${s.id}`, headers: auth(contributor), payload: { revision: 2, body: 'sneaky' } });
  assert.equal(edit.statusCode, 403);
});

test('Idempotency-Key: a retry returns the first result and creates nothing', async () => {
  const n = await changeCount();
  const first = await create({ headline: 'Once' }, editor, { 'idempotency-key': 'k-123' });
  const again = await create({ headline: 'Once' }, editor, { 'idempotency-key': 'k-123' });
  assert.equal(first.statusCode, 201);
  assert.equal(again.statusCode, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(again.json(), first.json());
  assert.equal(await changeCount(), n + 1);
  const other = await create({ headline: 'Different' }, editor, { 'idempotency-key': 'k-123' });
  assert.equal(other.statusCode, 409);
  assert.equal(await changeCount(), n + 1);
  // Keys are per user: another account may use the same key for its own request.
  const mine = await create({ headline: 'Mine' }, contributor, { 'idempotency-key': 'k-123' });
  assert.equal(mine.statusCode, 201);
});

test('parallel retries of one request create one entry', async () => {
  const before = (await t.app.inject(`${url()}?limit=100`)).json().items.length;
  const rs = await Promise.all(Array.from({ length: 5 }, () => create({ headline: 'Race' }, editor, { 'idempotency-key': 'race-1' })));
  assert.ok(rs.every((r) => r.statusCode === 201));
  assert.equal(new Set(rs.map((r) => r.json().id)).size, 1);
  assert.equal((await t.app.inject(`${url()}?limit=100`)).json().items.length, before + 1);
});

test('every change is logged with a gap-free cursor', async () => {
  const rows = await t.deps.db.kysely.selectFrom('changes').selectAll().where('liveblog_id', '=', lb.id).orderBy('cursor').execute();
  rows.forEach((r, i) => assert.equal(Number(r.cursor), i + 1));
  const lbNow = (await t.app.inject(`/api/v1/liveblogs/${lb.id}`)).json();
  assert.equal(lbNow.cursor, rows.length);
  assert.ok(rows.some((r) => r.event === 'entry.deleted'));
  assert.ok(rows.some((r) => r.event === 'entry.updated'));
});
