/**
 * Server drafts, as the desk's composer uses them: autosaved with PATCH and its revision
 * (no history kept for keystroke pauses), listed per author, and published by one PATCH
 * whose Idempotency-Key makes a resend answer the first result instead of a conflict.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let ana: string;
let ben: string;
let carl: string;
let lb: { id: string };
before(async () => {
  t = await makeTestApp();
  ana = await t.tokenFor('editor', 'Ana');
  ben = await t.tokenFor('editor', 'Ben');
  carl = await t.tokenFor('contributor', 'Carl');
  lb = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(ana), payload: { title: 'Drafts', status: 'live' } })).json();
});
after(() => t.close());

const url = (rest = '') => `/api/v1/liveblogs/${lb.id}/entries${rest}`;
const post = (payload: object, token = ana, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: url(), headers: { ...auth(token), ...headers }, payload });
const patch = (id: string, payload: object, token = ana, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'PATCH', url: url(`/${id}`), headers: { ...auth(token), ...headers }, payload });

test('autosave: a draft is created once, then replaced in place by its author; no history for keystroke pauses', async () => {
  const first = await post({ body: 'The min', status: 'draft' }, ana, { 'idempotency-key': 'draft-create-1' });
  assert.equal(first.statusCode, 201);
  const again = await post({ body: 'The min', status: 'draft' }, ana, { 'idempotency-key': 'draft-create-1' });
  assert.equal(again.json().id, first.json().id, 'a lost answer resent creates nothing new');
  const d = first.json();
  const s1 = await patch(d.id, { body: 'The minister', revision: d.revision });
  assert.equal(s1.statusCode, 200);
  const s2 = await patch(d.id, { body: 'The minister arrives', revision: s1.json().revision });
  assert.equal(s2.json().status, 'draft');
  const hist = (await t.app.inject({ url: url(`/${d.id}/revisions`), headers: auth(ana) })).json().items;
  assert.equal(hist.length, 1, 'only the current text');
  // A save from another device on an older revision is a conflict carrying the current text.
  const stale = await patch(d.id, { body: 'other device', revision: d.revision });
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().current.body, 'The minister arrives');
  assert.equal((await t.app.inject({ url: url('?status=published'), headers: auth(ana) })).json().items.length, 0, 'readers see nothing yet');
});

test('each person lists their own drafts; contributors cannot list anyone else\'s', async () => {
  const mine = (await post({ body: 'Ben typing', status: 'draft' }, ben)).json();
  const carls = (await post({ body: 'Carl typing', status: 'draft' }, carl)).json();
  const list = (token: string, who: string) => t.app.inject({ url: url(`?status=draft&author=${who}`), headers: auth(token) });
  const benId = mine.author.id;
  assert.deepEqual((await list(ben, benId)).json().items.map((e: { id: string }) => e.id), [mine.id]);
  assert.deepEqual((await list(carl, carls.author.id)).json().items.map((e: { id: string }) => e.id), [carls.id]);
  assert.equal((await list(carl, benId)).statusCode, 403);
  assert.equal((await t.app.inject({ url: url(`?status=draft&author=${benId}`) })).statusCode, 401);
  assert.equal((await list(ben, 'not an id!')).statusCode, 400);
});

test('publishing a draft: one PATCH stamps publishedAt; a resend with its Idempotency-Key replays, never a second entry', async () => {
  const d = (await post({ body: 'Written early', status: 'draft' })).json();
  const body = { body: 'Sent late', status: 'published', revision: d.revision };
  const key = { 'idempotency-key': 'publish-1' };
  const pub = await patch(d.id, body, ana, key);
  assert.equal(pub.statusCode, 200);
  assert.equal(pub.json().status, 'published');
  assert.ok(pub.json().publishedAt >= d.publishedAt);
  const resend = await patch(d.id, body, ana, key);
  assert.equal(resend.statusCode, 200, 'not a 409 for the revision it made stale');
  assert.equal(resend.headers['idempotent-replayed'], 'true');
  assert.equal(resend.json().revision, pub.json().revision);
  const reused = await patch(d.id, { ...body, body: 'different' }, ana, key);
  assert.equal(reused.statusCode, 409, 'a key reused with a different body');
  const items = (await t.app.inject(url('?limit=100'))).json().items.filter((e: { body: string }) => e.body === 'Sent late');
  assert.equal(items.length, 1);
  const log = (await t.app.inject({ url: url(`/${d.id}/revisions`), headers: auth(ana) })).json().items;
  assert.deepEqual(log.map((r: { status: string }) => r.status), ['draft', 'published'], 'the published text is history from here on');
  assert.equal((await patch(d.id, body, ana, { 'idempotency-key': ' bad key' })).statusCode, 400);
});

test('a contributor publishing their draft submits it for review', async () => {
  const d = (await post({ body: 'From the field', status: 'draft' }, carl)).json();
  const r = await patch(d.id, { status: 'published', revision: d.revision }, carl, { 'idempotency-key': 'carl-1' });
  assert.equal(r.json().status, 'submitted');
});
