/** Corrections in the open, verification labels, the public history, and returned submissions. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let editor: string;
let editor2: string;
let contributor: string;
let lb: { id: string };
before(async () => {
  t = await makeTestApp();
  editor = await t.tokenFor('editor', 'Ed Itor');
  editor2 = await t.tokenFor('editor', 'Second Desk');
  contributor = await t.tokenFor('contributor', 'Field Reporter');
  lb = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'Corrections', status: 'live' } })).json();
});
after(() => t.close());

const url = (rest = '') => `/api/v1/liveblogs/${lb.id}/entries${rest}`;
const post = (payload: object, token = editor) => t.app.inject({ method: 'POST', url: url(), headers: auth(token), payload });
const patch = (id: string, payload: object, token = editor) => t.app.inject({ method: 'PATCH', url: url(`/${id}`), headers: auth(token), payload });
const history = (id: string, token?: string) => t.app.inject({ url: url(`/${id}/revisions`), headers: token ? auth(token) : {} });

test('an edit marked as a correction keeps the earlier text; readers see the note and the whole history', async () => {
  const e = (await post({ headline: 'Toll', body: 'Twelve people were hurt.' })).json();
  assert.equal(e.correction, null);
  assert.equal(e.verification, null);
  const fixed = await patch(e.id, { revision: 1, body: 'Twenty people were hurt.', correction: 'An earlier version gave the wrong number of injured.' }, editor2);
  assert.equal(fixed.statusCode, 200);
  const f = fixed.json();
  assert.equal(f.revision, 2);
  assert.equal(f.correction.note, 'An earlier version gave the wrong number of injured.');
  assert.ok(Date.parse(f.correction.at) >= Date.parse(e.updatedAt));
  assert.equal((await t.app.inject(url(`/${e.id}`))).json().correction.note, f.correction.note, 'readers get it too');

  // A later silent fix (typo) is not a correction, but the latest correction stays on the entry.
  const typo = (await patch(e.id, { revision: 2, body: 'Twenty people were hurt .'.replace(' .', '.') + ' ' })).json();
  assert.equal(typo.correction.note, f.correction.note);

  const h = await history(e.id);
  assert.equal(h.statusCode, 200, 'the history of a published entry is public');
  const items = h.json().items;
  assert.deepEqual(items.map((r: { revision: number }) => r.revision), [1, 2, 3]);
  assert.match(items[0].html, /Twelve/);
  assert.equal(items[0].editedBy.name, 'Ed Itor');
  assert.equal(items[0].correction, null);
  assert.match(items[1].html, /Twenty/);
  assert.equal(items[1].editedBy.name, 'Second Desk');
  assert.equal(items[1].correction, 'An earlier version gave the wrong number of injured.');
  assert.equal(items[2].correction, null);
  for (const r of items) assert.ok(r.editedAt && 'verification' in r && 'headline' in r);
});

test('verification labels: unconfirmed → confirmed → retracted, each in the public history', async () => {
  const e = (await post({ body: 'Reports of an explosion near the station.' })).json();
  let r = (await patch(e.id, { revision: 1, verification: 'unconfirmed' })).json();
  assert.equal(r.verification, 'unconfirmed');
  r = (await patch(e.id, { revision: r.revision, verification: 'confirmed', verificationNote: 'Police confirmed at 14:05.' })).json();
  assert.equal(r.verification, 'confirmed');
  assert.equal(r.verificationNote, 'Police confirmed at 14:05.');
  r = (await patch(e.id, { revision: r.revision, verification: 'retracted', verificationNote: 'It was a transformer fire.' })).json();
  assert.equal(r.verification, 'retracted');
  const read = (await t.app.inject(url(`/${e.id}`))).json();
  assert.equal(read.verification, 'retracted', 'a retracted entry stays readable, labelled');
  const labels = (await history(e.id)).json().items.map((x: { verification: string | null }) => x.verification);
  assert.deepEqual(labels, [null, 'unconfirmed', 'confirmed', 'retracted']);
  assert.equal((await patch(e.id, { revision: r.revision, verification: 'maybe' })).statusCode, 400);
  assert.equal((await patch(e.id, { revision: r.revision, verification: null })).json().verificationNote, null, 'clearing the label clears its note');
});

test('a stale revision is 409 with the current entry; nothing is overwritten', async () => {
  const e = (await post({ body: 'v1' })).json();
  assert.equal((await patch(e.id, { revision: 1, body: 'from desk A' })).statusCode, 200);
  const stale = await patch(e.id, { revision: 1, body: 'from desk B', correction: 'B' }, editor2);
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().current.body, 'from desk A');
  assert.equal(stale.json().current.revision, 2);
  assert.equal((await t.app.inject(url(`/${e.id}`))).json().body, 'from desk A');
});

test('only editors mark corrections and labels; a draft cannot be "corrected"', async () => {
  const s = (await post({ body: 'from the field' }, contributor)).json();
  assert.equal(s.status, 'submitted');
  assert.equal((await patch(s.id, { revision: 1, verification: 'unconfirmed' }, contributor)).statusCode, 403);
  assert.equal((await patch(s.id, { revision: 1, correction: 'x' }, contributor)).statusCode, 403);
  assert.equal((await patch(s.id, { revision: 1, correction: 'x' })).statusCode, 400);
  assert.equal((await patch(s.id, { revision: 1, correction: '   ' })).statusCode, 400);
  assert.equal((await history(s.id)).statusCode, 404, 'an unpublished entry has no public history');
  assert.equal((await history(s.id, editor)).statusCode, 200);
});

test('a submission is returned with a note, fixed, resubmitted and published; the desk lists it by status', async () => {
  const s = (await post({ body: 'Minster arrives' }, contributor)).json();
  const submitted = (await t.app.inject({ url: url('?status=submitted'), headers: auth(editor) })).json().items;
  assert.ok(submitted.some((x: { id: string }) => x.id === s.id));
  assert.equal((await t.app.inject(url('?status=submitted'))).statusCode, 401, 'the public cannot list submissions');
  assert.equal((await t.app.inject({ url: url(`/${s.id}/return`), method: 'POST', headers: auth(contributor), payload: { note: 'x' } })).statusCode, 403);

  const back = await t.app.inject({ url: url(`/${s.id}/return`), method: 'POST', headers: auth(editor), payload: { note: 'Minister, not Minster.', revision: 1 } });
  assert.equal(back.statusCode, 200);
  assert.equal(back.json().status, 'draft');
  assert.equal(back.json().returnNote, 'Minister, not Minster.');
  const mine = (await t.app.inject({ url: url('?status=draft'), headers: auth(contributor) })).json().items;
  assert.deepEqual(mine.map((x: { id: string }) => x.id), [s.id], 'the contributor sees their returned draft');
  assert.equal((await t.app.inject({ url: url(`/${s.id}/return`), method: 'POST', headers: auth(editor), payload: { note: 'again' } })).statusCode, 409, 'only a submission can be returned');

  const again = (await patch(s.id, { revision: 2, body: 'Minister arrives', status: 'submitted' }, contributor)).json();
  assert.equal(again.status, 'submitted');
  assert.equal(again.returnNote, null);
  const published = (await patch(s.id, { revision: again.revision, status: 'published' })).json();
  assert.equal(published.status, 'published');
  const items = (await history(s.id)).json().items;
  assert.deepEqual(items.map((x: { revision: number }) => x.revision), [published.revision], 'readers see only what was published');
});

test('the preview renders Markdown with the server renderer, for staff only', async () => {
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/preview', headers: auth(contributor), payload: { body: '**bold** <script>x</script>' } });
  assert.equal(r.statusCode, 200);
  assert.match(r.json().html, /<strong>bold<\/strong>/);
  assert.doesNotMatch(r.json().html, /<script/);
  assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/preview', payload: { body: 'x' } })).statusCode, 401);
});
