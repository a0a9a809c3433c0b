import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';
import { escapeHtml, jsonForScript } from '../../src/reader/escape-html.ts';
import { entryHtml, gmtTime } from '../../src/reader/entry-markup.ts';
import { badge, badgeHtml, pageTitle, paragraphs } from '../../src/reader/page-text.ts';

let t: TestApp;
let editor: string;
let lb: { id: string; slug: string };

before(async () => {
  t = await makeTestApp();
  editor = await t.tokenFor('editor');
  lb = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/liveblogs',
      headers: auth(editor),
      payload: { title: 'Storm <script>alert(1)</script> live', lead: 'The lead & more', description: 'First para.\n\nSecond para.', status: 'live' },
    })
  ).json();
});
after(() => t.close());

const publish = (payload: object) =>
  t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${lb.id}/entries`, headers: auth(editor), payload }).then((r) => r.json());
const page = (headers: Record<string, string> = {}) => t.app.inject({ url: `/live/${lb.slug}`, headers });

test('the page is complete HTML: lead, description, entries with times, metadata; titles are escaped', async () => {
  const e = await publish({ headline: 'Water rising', body: 'The river is **up**.', publishedAt: '2018-01-15T10:19:00.000Z' });
  const r = await page();
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /^text\/html/);
  const html = r.body;
  assert.match(html, /<html lang="en">/);
  assert.ok(html.includes('Storm &lt;script&gt;alert(1)&lt;/script&gt; live'));
  assert.ok(!html.includes('<script>alert(1)'), 'no raw script from the title anywhere, JSON-LD included');
  assert.ok(html.includes('The lead &amp; more'));
  assert.ok(html.includes('<p>Second para.</p>'));
  assert.ok(html.includes(`<article class="entry" id="entry-${e.id}"`));
  assert.ok(html.includes('<time datetime="2018-01-15T10:19:00.000Z">10:19</time>'));
  assert.ok(html.includes('<strong>up</strong>'));
  assert.ok(html.includes(`<link rel="canonical" href="http://unfold.test/live/${lb.slug}">`));
  assert.match(html, /<meta property="og:title" content="Storm &lt;script&gt;/);
  const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/.exec(html)![1]);
  assert.equal(ld['@type'], 'LiveBlogPosting');
  assert.equal(ld.liveBlogUpdate[0].headline, 'Water rising');
  const state = JSON.parse(/<script type="application\/json" id="unfold-data">(.*?)<\/script>/.exec(html)![1]);
  assert.equal(state.id, lb.id);
  assert.equal(typeof state.cursor, 'number');
  assert.match(html, /<script defer src="\/assets\/reader\.[0-9a-f]{12}\.js"><\/script>/);
});

test('unknown slugs and drafts are 404 pages; staff with a token see their draft, privately', async () => {
  assert.equal((await t.app.inject('/live/no-such-blog')).statusCode, 404);
  assert.equal((await t.app.inject('/live/Not_A_Slug!')).statusCode, 404);
  const draft = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'Secret draft' } })).json();
  const anon = await t.app.inject(`/live/${draft.slug}`);
  assert.equal(anon.statusCode, 404);
  assert.match(anon.headers['content-type'] as string, /^text\/html/);
  const staff = await t.app.inject({ url: `/live/${draft.slug}`, headers: auth(editor) });
  assert.equal(staff.statusCode, 200);
  assert.equal(staff.headers['cache-control'], 'private, no-store');
  assert.ok(staff.body.includes('Secret draft'));
});

test('ETag and 304; cache headers; gzip and brotli served by Accept-Encoding', async () => {
  const first = await page();
  assert.equal(first.headers['cache-control'], 'public, max-age=0, s-maxage=5, stale-while-revalidate=30');
  assert.equal(first.headers.vary, 'Accept-Encoding');
  const etag = first.headers.etag as string;
  assert.match(etag, /^"[0-9a-f]+"$/);
  const again = await page({ 'if-none-match': etag });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');

  const gz = await page({ 'accept-encoding': 'gzip, deflate' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(zlib.gunzipSync(gz.rawPayload).toString(), first.body);
  assert.equal((await page({ 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag as string })).statusCode, 304);
  const br = await page({ 'accept-encoding': 'gzip, br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(zlib.brotliDecompressSync(br.rawPayload).toString(), first.body);
  assert.equal((await page({ 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding'], 'gzip');
});

test('a new entry, an edit and a delete re-render the cached page', async () => {
  const before = await page();
  const e = await publish({ headline: 'Fresh news' });
  const after = await page();
  assert.notEqual(after.headers.etag, before.headers.etag);
  assert.ok(after.body.includes('Fresh news'));
  assert.equal((await page({ 'if-none-match': before.headers.etag as string })).statusCode, 200);

  await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/${lb.id}/entries/${e.id}`, headers: auth(editor), payload: { headline: 'Fresher news', revision: 1 } });
  const edited = (await page()).body;
  assert.ok(edited.includes('Fresher news'));
  assert.ok(edited.includes('Updated <time'), 'an edited entry says when');
  await t.app.inject({ method: 'DELETE', url: `/api/v1/liveblogs/${lb.id}/entries/${e.id}`, headers: auth(editor) });
  assert.ok(!(await page()).body.includes(`entry-${e.id}`));
});

test('pinned, key events, verification and corrections render when entries carry them', () => {
  const html = entryHtml(
    {
      id: 'e1',
      liveblogId: 'lb1',
      headline: 'A <b>claim</b>',
      html: '<p>x</p>',
      publishedAt: '2018-01-15T08:05:00.000Z',
      updatedAt: '2018-01-15T09:00:00.000Z',
      revision: 2,
      keyEvent: true,
      pinned: true,
      verification: 'retracted',
      correction: { note: 'Name <fixed>', at: '2018-01-15T09:00:00.000Z' },
    },
    gmtTime,
  );
  assert.ok(html.startsWith('<article class="entry is-key is-pinned is-retracted" id="entry-e1"'));
  assert.ok(html.includes('A &lt;b&gt;claim&lt;/b&gt;'));
  assert.ok(html.includes('>Retracted<'));
  assert.ok(html.includes('Name &lt;fixed&gt;'));
  assert.ok(html.includes('href="/api/v1/liveblogs/lb1/entries/e1/revisions">Updated <time datetime="2018-01-15T09:00:00.000Z">09:00</time>'));
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  assert.equal(jsonForScript({ s: '</script><!--' }), '{"s":"\\u003c/script>\\u003c!--"}');
});

test('readers without JavaScript follow "Load more" to a server-rendered older page', async () => {
  for (let i = 0; i < 21; i++) await publish({ headline: `Old ${i}`, publishedAt: new Date(Date.UTC(2017, 0, 1, 0, i)).toISOString() });
  const html = (await page()).body;
  const href = /<a class="more" id="more" href="([^"]+)">Load more<\/a>/.exec(html)![1].replace(/&amp;/g, '&');
  assert.ok(!html.includes('>Old 0<'));
  const older = await t.app.inject(href);
  assert.equal(older.statusCode, 200);
  assert.ok(older.body.includes('>Old 0<'));
  assert.ok(older.body.includes('noindex'));
});

test('/ lists live and recent live blogs; assets are immutable and precompressed', async () => {
  const r = await t.app.inject('/');
  assert.equal(r.statusCode, 200);
  assert.ok(r.body.includes(`href="/live/${lb.slug}"`));
  assert.ok(!r.body.includes('Secret draft'));
  const js = /src="(\/assets\/reader\.[0-9a-f]+\.js)"/.exec((await page()).body)![1];
  const a = await t.app.inject({ url: js, headers: { 'accept-encoding': 'gzip' } });
  assert.equal(a.statusCode, 200);
  assert.equal(a.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(a.headers['content-encoding'], 'gzip');
  assert.match(a.headers['content-type'] as string, /javascript/);
  assert.equal((await t.app.inject('/assets/reader.nope.js')).statusCode, 404);
});

test('older pages (?before=) are not brotli-compressed, are public for a short while, and are rendered once per cursor', async () => {
  const entries = t.services.entries as unknown as { list: (...a: unknown[]) => Promise<unknown> };
  const list = entries.list;
  let lists = 0;
  entries.list = function (...a: unknown[]) {
    lists++;
    return list.apply(this, a);
  };
  try {
    await publish({ headline: 'A new cursor' });
    const html = (await page()).body; // renders the latest page: one list
    const href = /<a class="more" id="more" href="([^"]+)">Load more<\/a>/.exec(html)![1].replace(/&amp;/g, '&');
    const first = await t.app.inject({ url: href, headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-encoding'], 'gzip', 'brotli costs too much CPU for pages anyone can ask for');
    assert.ok(zlib.gunzipSync(first.rawPayload).toString().includes('>Old 0<'));
    assert.match(first.headers['cache-control'] as string, /^public, .*s-maxage=5\b/);
    const again = await t.app.inject({ url: href, headers: { 'accept-encoding': 'br' } });
    assert.equal(again.headers.etag, first.headers.etag);
    assert.equal(again.headers['content-encoding'], 'gzip');
    assert.equal(lists, 2, 'the same older page is rendered once');
    await publish({ headline: 'Changes the cursor' });
    await t.app.inject(href);
    assert.equal(lists, 4, 'a change renders the latest page and then the older one again');
  } finally {
    entries.list = list;
  }
  assert.equal((await t.app.inject(`/live/no-such-blog?before=${encodeURIComponent('x')}`)).statusCode, 404);
});

/** Every <script> on the page either loads our bundle or is data that is never executed. */
function assertNoInlineScript(html: string) {
  for (const m of html.matchAll(/<script\b([^>]*)>/g)) {
    assert.ok(/\bsrc="\/assets\//.test(m[1]) || /type="application\/(ld\+)?json"/.test(m[1]), `inline executable script: ${m[0]}`);
  }
  assert.ok(!/\son[a-z]+=/i.test(html.replace(/<script[\s\S]*?<\/script>/g, '')), 'no inline event handlers');
}

test('HTML pages carry security headers and a Content-Security-Policy the markup satisfies', async () => {
  const staff = await t.app.inject({ url: `/live/${lb.slug}`, headers: auth(editor) });
  for (const [url, r, frame] of [
    [`/live/${lb.slug}`, await page(), "'self'"],
    ['staff', staff, "'self'"],
    ['/', await t.app.inject('/'), "'none'"],
    ['/community-standards', await t.app.inject('/community-standards'), "'none'"],
    ['404', await t.app.inject('/live/no-such-blog'), "'none'"],
  ] as const) {
    assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(r.headers['referrer-policy'], 'strict-origin-when-cross-origin', url);
    const csp = r.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'(;|$)/, url);
    assert.ok(!/script-src[^;]*unsafe-inline/.test(csp), url);
    assert.match(csp, new RegExp(`frame-ancestors ${frame}(;|$)`), url);
    assertNoInlineScript(r.body);
  }
});

test('/community-standards: the page the footer links to, server-rendered and cached for long', async () => {
  const r = await t.app.inject({ url: '/community-standards', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /^text\/html/);
  const html = zlib.gunzipSync(r.rawPayload).toString();
  assert.ok((await page()).body.includes('<a href="/community-standards">'));
  assert.ok(html.includes('<h1>Community standards</h1>'));
  for (const topic of ['respectful', 'harassment', 'doxxing', 'on topic', 'spam', 'impersonation', 'illegal', 'suspend', 'Report', 'appeal']) {
    assert.ok(html.includes(topic), topic);
  }
  assert.match(html, /<link rel="stylesheet" href="\/assets\/reader\.[0-9a-f]{12}\.css">/);
  assert.match(r.headers['cache-control'] as string, /^public, .*s-maxage=86400/);
  assert.match(r.headers.etag as string, /^"[0-9a-f]+-gzip"$/, 'a strong ETag');
  assert.equal((await t.app.inject({ url: '/community-standards', headers: { 'if-none-match': r.headers.etag as string } })).statusCode, 304);
});

test('the description, badge and title come from one module shared with the client', () => {
  assert.equal(paragraphs('One <b>.\n\n  \n\nTwo.\n'), '<p>One &lt;b&gt;.</p><p>Two.</p>');
  assert.deepEqual(badge('live'), { cls: 'badge live', label: 'Live' });
  assert.deepEqual(badge('ended'), { cls: 'badge ended', label: 'Ended' });
  assert.deepEqual(badge('draft'), { cls: 'badge ended', label: 'Draft' });
  assert.equal(badgeHtml('live', 'badge'), '<span class="badge live" id="badge">Live</span>');
  assert.equal(pageTitle('live', 'Storm'), 'LIVE: Storm');
  assert.equal(pageTitle('ended', 'Storm'), 'Storm');
});
