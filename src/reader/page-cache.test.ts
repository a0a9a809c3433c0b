import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageCache } from './page-cache.ts';
import type { EncodedBody } from './encoded-body.ts';

function setup() {
  const db = { cursor: 1, slug: 'storm', status: 'live' };
  let clock = 0;
  let renders = 0;
  let checks = 0;
  const cache = new PageCache({
    now: () => clock,
    maxAgeMs: 1000,
    async render() {
      renders++;
      return { liveblogId: 'lb', cursor: db.cursor, body: { hash: `h${db.cursor}` } as EncodedBody };
    },
    async current() {
      checks++;
      return { ...db };
    },
  });
  return { db, cache, tick: (ms: number) => (clock += ms), counts: () => ({ renders, checks }) };
}

test('concurrent requests share one render; later ones are served from memory', async () => {
  const s = setup();
  const pages = await Promise.all([s.cache.get('storm'), s.cache.get('storm'), s.cache.get('storm')]);
  assert.equal(new Set(pages).size, 1);
  await s.cache.get('storm');
  assert.deepEqual(s.counts(), { renders: 1, checks: 0 });
});

test('a change on the bus makes the next request render again, once', async () => {
  const s = setup();
  await s.cache.get('storm');
  s.db.cursor = 2;
  s.cache.onChange({ liveblogId: 'lb', cursor: 2, event: 'entry.published', payload: '{}' });
  assert.equal((await s.cache.get('storm')).cursor, 2);
  await s.cache.get('storm');
  assert.deepEqual(s.counts(), { renders: 2, checks: 0 });
});

test('without the bus, a page older than a second is checked against the database cursor', async () => {
  const s = setup();
  await s.cache.get('storm');
  s.tick(1500);
  await s.cache.get('storm'); // unchanged: one cheap check, no render
  assert.deepEqual(s.counts(), { renders: 1, checks: 1 });
  s.db.cursor = 5; // a change this node never heard of
  await s.cache.get('storm'); // checked less than a second ago: still served
  s.tick(1500);
  assert.equal((await s.cache.get('storm')).cursor, 5);
  assert.deepEqual(s.counts(), { renders: 2, checks: 2 });
});

test('a live blog that went back to draft is rendered again (and the render decides 404)', async () => {
  const s = setup();
  await s.cache.get('storm');
  s.db.status = 'draft';
  s.tick(1500);
  await s.cache.get('storm');
  assert.equal(s.counts().renders, 2);
});
