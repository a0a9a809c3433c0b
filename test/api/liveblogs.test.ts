import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let editor: string;
let contributor: string;
before(async () => {
  t = await makeTestApp();
  editor = await t.tokenFor('editor');
  contributor = await t.tokenFor('contributor');
});
after(() => t.close());

const post = (token: string | null, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: token ? auth(token) : {}, payload: payload as object });

test('an editor creates a live blog; the slug comes from the title and is unique', async () => {
  const a = await post(editor, { title: "Lavrov's Press Conference", lead: 'Lead', status: 'live' });
  assert.equal(a.statusCode, 201);
  const lb = a.json();
  assert.equal(lb.slug, 'lavrovs-press-conference');
  assert.equal(lb.status, 'live');
  assert.equal(lb.language, 'en');
  assert.equal(lb.commentsMode, 'open');
  assert.equal(lb.url, 'http://unfold.test/live/lavrovs-press-conference');
  assert.equal(lb.shortUrl, `http://unfold.test/s/${lb.id}`);
  assert.ok(lb.startedAt);
  const b = await post(editor, { title: "Lavrov's press conference!" });
  assert.equal(b.json().slug, 'lavrovs-press-conference-2');
  const c = await post(editor, { title: 'X', slug: 'lavrovs-press-conference' });
  assert.equal(c.statusCode, 409);
  assert.equal(c.headers['content-type'], 'application/problem+json; charset=utf-8');
});

test('writes need a token with the right role', async () => {
  assert.equal((await post(null, { title: 'A' })).statusCode, 401);
  assert.equal((await post(contributor, { title: 'A' })).statusCode, 403);
  const bad = await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth('unf_nope'), payload: { title: 'A' } });
  assert.equal(bad.statusCode, 401);
  assert.match(bad.json().detail, /unknown or revoked/);
});

test('invalid input is a 400 problem with the field paths, and stores nothing', async () => {
  const before = (await t.app.inject('/api/v1/liveblogs?limit=100')).json().items.length;
  const cases: [unknown, string][] = [
    [{}, '/title'],
    [{ title: '' }, '/title'],
    [{ title: 'A', status: 'paused' }, '/status'],
    [{ title: 'A', slug: 'Not A Slug' }, '/slug'],
    [{ title: 'A', extra: 1 }, '/extra'],
    [{ title: 'A', audioStreamUrl: 'javascript:alert(1)' }, '/audioStreamUrl'],
  ];
  for (const [payload, path] of cases) {
    const r = await post(editor, payload);
    assert.equal(r.statusCode, 400, JSON.stringify(payload));
    const p = r.json();
    assert.equal(p.status, 400);
    assert.equal(p.title, 'Invalid input');
    assert.ok(p.errors.some((e: { path: string }) => e.path === path), `${JSON.stringify(p.errors)} has ${path}`);
  }
  const broken = await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: { ...auth(editor), 'content-type': 'application/json' }, payload: '{"title":' });
  assert.equal(broken.statusCode, 400);
  const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: { ...auth(editor), 'content-type': 'text/plain' }, payload: 'title' });
  assert.equal(wrongType.statusCode, 415);
  const huge = await post(editor, { title: 'A', description: 'x'.repeat(300_000) });
  assert.equal(huge.statusCode, 413);
  assert.equal((await t.app.inject('/api/v1/liveblogs?limit=100')).json().items.length, before);
});

test('list newest first; drafts only for staff; status filter', async () => {
  const d = (await post(editor, { title: 'Secret draft' })).json();
  assert.equal(d.status, 'draft');
  const pub = (await t.app.inject('/api/v1/liveblogs')).json().items;
  assert.ok(!pub.some((x: { id: string }) => x.id === d.id));
  const staff = (await t.app.inject({ url: '/api/v1/liveblogs', headers: auth(editor) })).json().items;
  assert.equal(staff[0].id, d.id);
  const live = (await t.app.inject('/api/v1/liveblogs?status=live')).json().items;
  assert.ok(live.length > 0 && live.every((x: { status: string }) => x.status === 'live'));
  assert.equal((await t.app.inject(`/api/v1/liveblogs/${d.id}`)).statusCode, 404);
  assert.equal((await t.app.inject({ url: `/api/v1/liveblogs/${d.id}`, headers: auth(editor) })).statusCode, 200);
  assert.equal((await t.app.inject('/api/v1/liveblogs?status=bogus')).statusCode, 400);
});

test('PATCH changes status and stamps start and end', async () => {
  const d = (await post(editor, { title: 'To go live' })).json();
  const live = await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/${d.id}`, headers: auth(editor), payload: { status: 'live' } });
  assert.equal(live.statusCode, 200);
  assert.ok(live.json().startedAt);
  const ended = await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/${d.id}`, headers: auth(editor), payload: { status: 'ended', title: 'Gone' } });
  assert.equal(ended.json().status, 'ended');
  assert.equal(ended.json().title, 'Gone');
  assert.ok(ended.json().endedAt);
  assert.equal((await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/${d.id}`, headers: auth(editor), payload: {} })).statusCode, 400);
  assert.equal((await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/nope`, headers: auth(editor), payload: { title: 'x' } })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/${d.id}`, payload: { title: 'x' } })).statusCode, 401);
});

test('unknown routes answer problem+json 404; ops endpoints answer', async () => {
  const r = await t.app.inject('/api/v1/nothing');
  assert.equal(r.statusCode, 404);
  assert.equal(r.json().status, 404);
  assert.equal((await t.app.inject('/healthz')).json().status, 'ok');
  assert.equal((await t.app.inject('/readyz')).json().status, 'ready');
});

test('/api/openapi.json describes the routes; /metrics speaks Prometheus', async () => {
  const doc = (await t.app.inject('/api/openapi.json')).json();
  assert.equal(doc.openapi.slice(0, 2), '3.');
  assert.ok(doc.paths['/api/v1/liveblogs/{id}/entries'].post);
  const m = await t.app.inject('/metrics');
  assert.equal(m.statusCode, 200);
  assert.match(m.body, /unfold_stream_readers \d+/);
  assert.match(m.body, /unfold_http_request_duration_seconds_count\{method="GET",route="\/api\/openapi.json",status="200"\} 1/);
});

test('a request id from the balancer is echoed only when it looks like an id', async () => {
  assert.equal((await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'lb-42.a:b' } })).headers['x-request-id'], 'lb-42.a:b');
  const odd = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b<script>' } });
  assert.match(String(odd.headers['x-request-id']), /^[0-9a-f-]{36}$/);
});

test('/metrics counts a change once even when the bus delivers it twice', async () => {
  const editor2 = await t.tokenFor('editor');
  const lb = (await post(editor2, { title: 'Counted', status: 'live' })).json();
  const count = async () => Number(/unfold_changes_total\{event="entry.published"\} (\d+)/.exec((await t.app.inject('/metrics')).body)?.[1] ?? 0);
  const before = await count();
  await t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${lb.id}/entries`, headers: auth(editor2), payload: { body: 'once' } });
  const [change] = await t.deps.db.kysely.selectFrom('changes').selectAll().where('liveblog_id', '=', lb.id).execute();
  // What the Redis bus does: the same change again, as Redis echoes it back.
  await t.deps.bus.publish({ liveblogId: lb.id, cursor: Number(change.cursor), event: 'entry.published', payload: change.payload });
  assert.equal(await count(), before + 1);
});

test('stream connects share one read of the live blog; a switch to draft shuts new streams out at once', async (ctx) => {
  const { liveblogStore } = await import('../../src/liveblogs/liveblog-store.ts');
  const lb = (await post(editor, { title: 'Storm', status: 'live' })).json();
  const reads = ctx.mock.method(liveblogStore, 'byId');
  const svc = t.services.liveblogs;
  // A reconnect storm: many connects at once, one read.
  const rows = await Promise.all(Array.from({ length: 50 }, () => svc.getForStream(lb.id, null)));
  assert.ok(rows.every((r) => r.id === lb.id));
  assert.equal(reads.mock.callCount(), 1);
  // Back to draft: the public may no longer open its stream, with no wait for the lookup to age.
  const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/${lb.id}`, headers: auth(editor), payload: { status: 'draft' } });
  assert.equal(patch.statusCode, 200);
  await assert.rejects(svc.getForStream(lb.id, null), (e: { status?: number }) => e.status === 404);
  // A failed read is not kept: the next connect asks again.
  reads.mock.mockImplementationOnce(() => Promise.reject(new Error('database away')));
  const other = (await post(editor, { title: 'Storm 2', status: 'live' })).json();
  await assert.rejects(svc.getForStream(other.id, null), /database away/);
  assert.equal((await svc.getForStream(other.id, null)).id, other.id);
});
