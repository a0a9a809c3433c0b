/**
 * The page front door (src/reader/page-front-door.ts) over a real socket: a fresh cached
 * live page is answered before Fastify, with the very bytes and headers the route sends;
 * everything it must not answer still reaches the route. app.inject() never passes the
 * front door, so these tests listen on a port.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let editor: string;
let base: string;
let lb: { id: string; slug: string };
/** /live/ requests that reached Fastify (the front door answered the others). */
let routed = 0;

before(async () => {
  t = await makeTestApp();
  t.app.addHook('onRequest', (req, _reply, done) => {
    if (req.url.startsWith('/live/')) routed++;
    done();
  });
  editor = await t.tokenFor('editor');
  lb = await api('POST', '/api/v1/liveblogs', { title: 'Front door', status: 'live' });
  await api('POST', `/api/v1/liveblogs/${lb.id}/entries`, { headline: 'First', body: 'One.' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});
after(() => t.close());

async function api<T = { id: string; slug: string }>(method: string, url: string, payload: object): Promise<T> {
  const r = await t.app.inject({ method: method as 'POST', url, headers: auth(editor), payload });
  assert.ok(r.statusCode < 300, r.body);
  return r.json() as T;
}

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

/** Headers that differ per response by design. */
const stable = (h: http.IncomingHttpHeaders) => {
  const { date: _d, 'x-request-id': _r, ...rest } = h;
  return rest;
};

test('a fresh cached page is answered before Fastify, with the same bytes and headers as the route', async () => {
  const page = `/live/${lb.slug}`;
  const first = await get(page, { 'accept-encoding': 'gzip' }); // renders: through the route
  const before = routed;
  const again = await get(page, { 'accept-encoding': 'gzip' });
  assert.equal(routed, before, 'the second request never reached Fastify');
  assert.equal(again.status, 200);
  assert.deepEqual(stable(again.headers), stable(first.headers));
  assert.deepEqual(again.body, first.body);
  assert.equal(again.headers['content-encoding'], 'gzip');
  assert.ok(zlib.gunzipSync(again.body).toString().includes('First'));
  assert.match(String(again.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  assert.match(String(again.headers['content-security-policy']), /frame-ancestors 'self'/);

  // A session cookie on the request makes the route decide (a stale one is anonymous there).
  const viaRoute = await get(page, { 'accept-encoding': 'gzip', cookie: 'unfold_session=stale' });
  assert.equal(routed, before + 1);
  assert.deepEqual(stable(viaRoute.headers), stable(again.headers));

  const plain = await get(page);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(Number(plain.headers['content-length']), plain.body.length);
  assert.deepEqual(plain.body, zlib.gunzipSync(again.body));

  const br = await get(`${page}?utm_source=share`, { 'accept-encoding': 'br', 'x-request-id': 'cdn-7' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['x-request-id'], 'cdn-7');
  assert.deepEqual(zlib.brotliDecompressSync(br.body), plain.body);
  assert.equal(routed, before + 1, 'plain, brotli and a tracking query were all answered at the door');
});

test('If-None-Match gets 304 at the door, for any coding of the same bytes', async () => {
  const page = `/live/${lb.slug}`;
  const r = await get(page);
  const before = routed;
  const nm = await get(page, { 'if-none-match': String(r.headers.etag), 'accept-encoding': 'gzip' });
  assert.equal(nm.status, 304);
  assert.equal(nm.body.length, 0);
  assert.equal(nm.headers.etag, `${String(r.headers.etag).slice(0, -1)}-gzip"`);
  assert.equal(routed, before);
});

test('a new entry is on the very next request: the door never serves a page older than the bus knows', async () => {
  const page = `/live/${lb.slug}`;
  await get(page);
  await api('POST', `/api/v1/liveblogs/${lb.id}/entries`, { headline: 'Second', body: 'Two.' });
  const r = await get(page);
  assert.ok(r.body.toString().includes('Second'));
});

test('credentials, ?before=, HEAD, unknown slugs and non-slugs all go to the route', async () => {
  const draft = await api('POST', '/api/v1/liveblogs', { title: 'Still a draft' });
  const page = `/live/${lb.slug}`;
  await get(page);
  let before = routed;

  assert.equal((await get(`/live/${draft.slug}`)).status, 404);
  const staff = await get(`/live/${draft.slug}`, auth(editor));
  assert.equal(staff.status, 200);
  assert.equal(staff.headers['cache-control'], 'private, no-store');
  assert.equal(routed, before + 2);

  before = routed;
  // An older page's cursor is the route's business: a bad one is its 400 (reader-page.test.ts has the good ones).
  assert.equal((await get(`${page}?before=not-a-cursor`)).status, 400);
  assert.equal(routed, before + 1);

  before = routed;
  const head = await new Promise<number>((resolve, reject) => {
    http.request(`${base}${page}`, { method: 'HEAD', agent: false }, (res) => resolve(res.statusCode ?? 0)).on('error', reject).end();
  });
  assert.equal(head, 200);
  assert.equal((await get('/live/no-such-blog')).status, 404);
  assert.equal((await get('/live/Not_A_Slug')).status, 404);
  assert.equal(routed, before + 3);
});

test('/metrics counts the requests answered at the door under the route', async () => {
  const metric = async () => {
    const text = (await t.app.inject({ url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith('unfold_http_request_duration_seconds_count{') && l.includes('route="/live/:slug"') && l.includes('status="200"'));
    return Number(line?.split(' ').pop() ?? 0);
  };
  const page = `/live/${lb.slug}`;
  await get(page);
  const n = await metric();
  for (let i = 0; i < 3; i++) await get(page);
  assert.equal(await metric(), n + 3);
});
