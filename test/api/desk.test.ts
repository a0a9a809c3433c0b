/** The desk's page, script and service worker; presence on a live blog's desk. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
before(async () => {
  t = await makeTestApp();
});
after(() => t.close());

test('/desk serves the app shell, its script, and a service worker allowed to control /desk', async () => {
  const page = await t.app.inject('/desk');
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.match(page.body, /<script src="\/desk\/desk\.js\?v=[0-9a-f]{12}"/);
  assert.match(page.headers['content-security-policy'] as string, /default-src 'self'/);
  const js = await t.app.inject('/desk/desk.js');
  assert.equal(js.statusCode, 200);
  assert.match(js.headers['content-type'] as string, /javascript/);
  assert.ok(js.body.length < 80_000, `the desk bundle stays lean (${js.body.length} bytes)`);
  const br = await t.app.inject({ url: '/desk/desk.js', headers: { 'accept-encoding': 'gzip, br' } });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.ok(br.rawPayload.length < js.body.length / 2, `compressed once: ${br.rawPayload.length} bytes on the wire`);
  const sw = await t.app.inject('/desk/sw.js');
  assert.equal(sw.headers['service-worker-allowed'], '/desk');
  assert.match(sw.body, /caches\.open/);
});

test('presence: who is on the desk and which entry each edits; gone after leaving', async () => {
  const ana = await t.tokenFor('editor', 'Ana');
  const ben = await t.tokenFor('contributor', 'Ben');
  const lb = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(ana), payload: { title: 'Presence', status: 'live' } })).json();
  const url = `/api/v1/liveblogs/${lb.id}/desk-presence`;
  await t.app.inject({ method: 'PUT', url, headers: auth(ana), payload: { editing: 'abc123' } });
  const r = await t.app.inject({ method: 'PUT', url, headers: auth(ben), payload: { editing: null } });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(
    r.json().items.map((m: { user: { name: string }; editing: string | null }) => [m.user.name, m.editing]),
    [['Ana', 'abc123'], ['Ben', null]],
  );
  assert.equal((await t.app.inject({ method: 'DELETE', url, headers: auth(ana) })).statusCode, 204);
  const after = (await t.app.inject({ method: 'PUT', url, headers: auth(ben), payload: { editing: null } })).json().items;
  assert.deepEqual(after.map((m: { user: { name: string } }) => m.user.name), ['Ben']);
  assert.equal((await t.app.inject({ method: 'PUT', url, payload: { editing: null } })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'PUT', url, headers: auth(await t.tokenFor('moderator')), payload: { editing: null } })).statusCode, 403);
});

test('the presence beat carries the queues\' fingerprint: a submission changes the editors\', not another contributor\'s', async () => {
  const ed = await t.tokenFor('editor', 'Eda');
  const cara = await t.tokenFor('contributor', 'Cara');
  const dan = await t.tokenFor('contributor', 'Dan');
  const lb = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(ed), payload: { title: 'Queues', status: 'live' } })).json();
  const url = `/api/v1/liveblogs/${lb.id}/desk-presence`;
  const queue = async (token: string): Promise<string> => (await t.app.inject({ method: 'PUT', url, headers: auth(token), payload: { editing: null } })).json().queue;
  const [ed0, cara0, dan0] = [await queue(ed), await queue(cara), await queue(dan)];
  const sub = await t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${lb.id}/entries`, headers: auth(cara), payload: { body: 'From the corridor.' } });
  assert.equal(sub.json().status, 'submitted');
  const ed1 = await queue(ed);
  assert.notEqual(ed1, ed0, 'the editor sees a new submission');
  assert.notEqual(await queue(cara), cara0, 'so does its author');
  assert.equal(await queue(dan), dan0, 'another contributor does not');
  // An editor's edit of the submission changes the fingerprint again (revision, time).
  const e = sub.json();
  await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/${lb.id}/entries/${e.id}`, headers: auth(ed), payload: { revision: e.revision, body: 'From the corridor, edited.' } });
  assert.notEqual(await queue(ed), ed1);
});

test('the desk puts HTML into the page only from the server\'s sanitizer (entry html, revision html, preview)', async () => {
  const dir = 'src/desk/client';
  const uses: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    const src = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of src.matchAll(/dangerouslySetInnerHTML=\{\{\s*__html:\s*([^}]+?)\s*\}\}/g)) uses.push(`${f}: ${m[1]}`);
    // Any other spelling (a variable, a spread) would dodge the check above.
    assert.equal((src.match(/dangerouslySetInnerHTML/g) ?? []).length, [...src.matchAll(/dangerouslySetInnerHTML=\{\{\s*__html:/g)].length, f);
    assert.doesNotMatch(src, /\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=/, f);
  }
  // e.html: an entry or revision as the API sent it; preview: POST /api/v1/preview's html.
  for (const u of uses) assert.match(u, /: (e\.html|preview)$/, u);

  const token = await t.tokenFor('contributor');
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/preview', headers: auth(token), payload: { body: 'Hi <script>alert(1)</script><img src=x onerror="alert(1)"> [x](javascript:alert(1))' } });
  assert.equal(r.statusCode, 200);
  assert.doesNotMatch(r.json().html, /<script|<img|href="javascript:/i);
});
