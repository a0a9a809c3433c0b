import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestApp, auth } from '../helpers/test-app.ts';
import { sweep } from '../../src/ops/retention.ts';
import { openSse } from '../helpers/sse-client.ts';
import type { AddressInfo } from 'node:net';

test('retention: old idempotency keys and changes go; a reader behind the pruned log gets reset', async () => {
  const t = await makeTestApp();
  try {
    const editor = await t.tokenFor('editor');
    const lb = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'Old', status: 'live' } })).json();
    for (let i = 0; i < 3; i++) {
      await t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${lb.id}/entries`, headers: { ...auth(editor), 'idempotency-key': `k${i}` }, payload: { body: `n${i}` } });
    }
    const db = t.deps.db.kysely;
    const now = new Date();
    assert.deepEqual(await sweep(db, now, 30), { keys: 0, changes: 0 });
    const later = new Date(now.getTime() + 31 * 24 * 3600_000);
    assert.deepEqual(await sweep(db, later, 30), { keys: 3, changes: 3 });
    // The key is gone, so the same key now makes a new entry (a day later that is a new request).
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${lb.id}/entries`, headers: { ...auth(editor), 'idempotency-key': 'k0' }, payload: { body: 'n0' } });
    assert.equal(again.headers['idempotent-replayed'], undefined);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/liveblogs/${lb.id}/stream`;
    const behind = await openSse(url, { lastEventId: 1 });
    await behind.waitFor((c) => c.ended, 5000);
    assert.equal(behind.messages.at(-1)?.event, 'reset');
    const recent = await openSse(url, { lastEventId: 3 });
    await recent.waitFor((c) => c.changes().length === 1, 5000);
    assert.equal(recent.changes()[0].id, '4');
    recent.close();
  } finally {
    await t.close();
  }
});
