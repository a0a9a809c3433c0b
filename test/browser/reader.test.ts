import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';
import { launchBrowser, skipWithoutBrowser } from '../helpers/browser.ts';

const skip = skipWithoutBrowser();
if (skip) console.log(`# ${skip}`);

let t: TestApp;
let browser: Browser;
let base: string;
let editor: string;
let lb: { id: string; slug: string };
/** Seeded entries, oldest first. */
const seeded: { id: string }[] = [];

async function api(method: string, path: string, payload?: object) {
  const r = await fetch(base + path, {
    method,
    headers: { ...auth(editor), ...(payload ? { 'content-type': 'application/json' } : {}) },
    body: payload ? JSON.stringify(payload) : undefined,
  });
  assert.ok(r.ok, `${method} ${path}: ${r.status}`);
  return r.status === 204 ? null : r.json();
}
const publish = (payload: object) => api('POST', `/api/v1/liveblogs/${lb.id}/entries`, payload);

/** Content-Security-Policy violations reported by any page the tests opened (must stay empty). */
const cspViolations: string[] = [];
/** Requests to a revisions endpoint, by any page. */
const revisionRequests: string[] = [];

function watch(page: Page): Page {
  page.on('console', (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (r.url().endsWith('/revisions')) revisionRequests.push(r.url());
  });
  return page;
}

async function open(path = `/live/${lb.slug}`): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 800, height: 700 } });
  const page = watch(await ctx.newPage());
  await page.goto(base + path);
  // The stream is up once the server's presence message has arrived.
  await page.locator('#presence').waitFor({ state: 'visible' });
  return page;
}

before(async () => {
  if (skip) return;
  t = await makeTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  editor = await t.tokenFor('editor', 'Desk');
  browser = await launchBrowser();
  lb = (await api('POST', '/api/v1/liveblogs', { title: 'Browser test live', lead: 'Lead text', status: 'live' })) as typeof lb;
  // A table: markdown aligns its cells with style attributes, which the CSP must allow.
  await publish({ headline: 'Table', body: '| a | b |\n|:--|--:|\n| 1 | 2 |', publishedAt: new Date(Date.UTC(2018, 0, 15, 7, 0)).toISOString() });
  for (let i = 0; i < 25; i++) {
    const at = new Date(Date.UTC(2018, 0, 15, 8, i)).toISOString();
    seeded.push(await publish({ headline: `Seeded ${i}`, body: `Paragraph one of ${i}.\n\nParagraph two of ${i}.`, publishedAt: at }));
  }
});

after(async () => {
  await browser?.close();
  await t?.close();
});

test('a published entry appears at the top without a reload', { skip }, async () => {
  const page = await open();
  const e = await publish({ headline: 'Appears live', body: 'Hello **readers**' });
  const el = page.locator(`#feed > article#entry-${e.id}`);
  await el.waitFor();
  assert.equal(await page.locator('#feed > article').first().getAttribute('id'), `entry-${e.id}`);
  assert.match((await el.locator('time').first().textContent()) ?? '', /^\d\d:\d\d$/);
  await page.locator('#announcer', { hasText: 'Appears live' }).waitFor({ state: 'attached' });
  await page.context().close();
});

test('a reader scrolled down gets a "new messages" button instead of a shifting page', { skip }, async () => {
  const page = await open();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForFunction(() => document.getElementById('feed')!.getBoundingClientRect().top < 0);
  const e = await publish({ headline: 'Waits behind the button' });
  const button = page.locator('#fresh');
  await button.waitFor({ state: 'visible' });
  assert.equal(await button.textContent(), '↑ 1 new message');
  assert.equal(await page.locator(`#entry-${e.id}`).count(), 0, 'not inserted while the reader is down the page');
  await button.click();
  const el = page.locator(`#feed > article#entry-${e.id}`);
  await el.waitFor({ state: 'visible' });
  assert.equal(await page.locator('#feed > article').first().getAttribute('id'), `entry-${e.id}`);
  await page.waitForFunction((id) => {
    const r = document.getElementById(id)!.getBoundingClientRect();
    return r.top >= 0 && r.top < innerHeight;
  }, `entry-${e.id}`);
  assert.equal(await button.isHidden(), true);
  await page.context().close();
});

test('edits, deletions and the live blog\'s own changes apply in place', { skip }, async () => {
  const page = await open();
  const target = seeded[24];
  await api('PATCH', `/api/v1/liveblogs/${lb.id}/entries/${target.id}`, { headline: 'Edited headline', revision: 1 });
  await page.locator(`#entry-${target.id} h2`, { hasText: 'Edited headline' }).waitFor();
  await page.locator(`#entry-${target.id} .upd`).click();
  await page.locator(`#entry-${target.id} .history`, { hasText: 'Seeded 24' }).waitFor();
  const victim = seeded[23];
  await api('DELETE', `/api/v1/liveblogs/${lb.id}/entries/${victim.id}`);
  await page.locator(`#entry-${victim.id}`).waitFor({ state: 'detached' });
  await api('PATCH', `/api/v1/liveblogs/${lb.id}`, { status: 'ended', title: 'Browser test, over' });
  await page.locator('#badge', { hasText: 'Ended' }).waitFor();
  await page.locator('#lb-title', { hasText: 'Browser test, over' }).waitFor();
  assert.equal(await page.title(), 'Browser test, over');
  await api('PATCH', `/api/v1/liveblogs/${lb.id}`, { status: 'live', description: 'First <b>para</b>.\n\nSecond para.' });
  await page.locator('#badge', { hasText: 'Live' }).waitFor();
  await page.locator('#lb-desc p', { hasText: 'Second para.' }).waitFor();
  assert.deepEqual(await page.locator('#lb-desc p').allTextContents(), ['First <b>para</b>.', 'Second para.']);
  await page.waitForFunction(() => document.title.startsWith('LIVE: '));
  // What the live update wrote is what a reload shows.
  const live = await page.locator('#lb-desc').innerHTML();
  await page.reload();
  assert.equal(await page.locator('#lb-desc').innerHTML(), live);
  await page.context().close();
});

test('"Updated" costs no request until a reader clicks it; a failed history request says so quietly', { skip }, async () => {
  const target = seeded[20];
  await api('PATCH', `/api/v1/liveblogs/${lb.id}/entries/${target.id}`, { headline: 'Edited once', revision: 1 });
  revisionRequests.length = 0;
  const page = await open();
  const upd = page.locator(`#entry-${target.id} a.upd`);
  await upd.waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(revisionRequests, [], 'no probe of the revisions endpoint on page view');
  const isRevisions = (u: URL) => u.pathname.endsWith('/revisions');
  await page.route(isRevisions, (route) => route.fulfill({ status: 503, body: '' }));
  await upd.click();
  await page.locator(`#entry-${target.id} .history.is-failed`, { hasText: 'could not be loaded' }).waitFor();
  assert.ok(await upd.getAttribute('href'), 'the link stays: the next click tries again');
  await page.unroute(isRevisions);
  await upd.click();
  await page.locator(`#entry-${target.id} .history:not(.is-failed)`, { hasText: 'Seeded 20' }).waitFor();
  assert.equal(await page.locator(`#entry-${target.id} .history`).count(), 1);
  await page.context().close();
});

test('"Load more" appends older entries; a deep link loads until it finds its entry', { skip }, async () => {
  const page = await open();
  const oldest = seeded[0];
  assert.equal(await page.locator(`#entry-${oldest.id}`).count(), 0);
  await page.locator('#more').click();
  await page.locator(`#entry-${oldest.id}`).waitFor({ state: 'attached' });
  await page.locator('#more').waitFor({ state: 'hidden' });
  await page.context().close();

  const deep = await open(`/live/${lb.slug}#entry-${seeded[1].id}`);
  await deep.locator(`#entry-${seeded[1].id}.is-target`).waitFor({ state: 'visible' });
  await deep.context().close();
});

test('a returning reader sees how many entries arrived since the last visit', { skip }, async () => {
  const first = await open();
  const ctx = first.context();
  await first.close(); // the visit is remembered when the page goes away
  await publish({ headline: 'Since one' });
  await publish({ headline: 'Since two' });
  const page = await ctx.newPage();
  await page.goto(`${base}/live/${lb.slug}`);
  const since = page.locator('#since');
  await since.waitFor({ state: 'visible' });
  assert.match((await since.textContent()) ?? '', /^2 new entries since your last visit/);
  await ctx.close();
});

test('a dropped stream shows "reconnecting…", comes back by itself and replays what it missed', { skip }, async () => {
  const page = await open();
  const isStream = (u: URL) => u.pathname.endsWith('/stream');
  await page.route(isStream, (route) => route.abort());
  // Cut this reader's stream on the server side, as a restarting node would.
  const hub = t.services.hub as unknown as { channels: Map<string, { readers: Set<{ res: { destroy(): void } }> }> };
  for (const ch of hub.channels.values()) for (const r of ch.readers) r.res.destroy();
  await page.locator('#conn').waitFor({ state: 'visible' });
  const missed = await publish({ headline: 'Published while disconnected' });
  await page.unroute(isStream);
  await page.locator('#conn').waitFor({ state: 'hidden', timeout: 60_000 });
  await page.locator(`#feed > article#entry-${missed.id}`).waitFor();
  await page.context().close();
});

test('no page breaks its Content-Security-Policy (live page, index, community standards)', { skip }, async () => {
  for (const path of ['/', '/community-standards']) {
    const ctx = await browser.newContext();
    const page = watch(await ctx.newPage());
    await page.goto(base + path);
    await page.waitForLoadState('load');
    await ctx.close();
  }
  assert.deepEqual(cspViolations, []);
});
