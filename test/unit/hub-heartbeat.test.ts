/**
 * Heartbeats keep quiet streams open through proxies; a stream that carries changes is not
 * quiet. With mocked clocks: an idle reader hears a heartbeat at least once per interval,
 * a busy one hears none, and one comes back once the changes stop.
 */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { MemoryBus } from '../../src/live/bus.ts';
import { LocalPresence } from '../../src/live/presence.ts';
import { Hub } from '../../src/live/hub.ts';
import { FakeResponse, hubDatabase } from '../helpers/hub-fixture.ts';

test('heartbeats: at least one per interval on a quiet stream, none while changes flow', async () => {
  const { db, close } = await hubDatabase();
  mock.timers.enable({ apis: ['setInterval', 'Date'] });
  const bus = new MemoryBus();
  const hub = new Hub({ db: db.kysely, bus, presence: new LocalPresence(), heartbeatMs: 1000, maxBuffer: 1 << 20, resyncMs: 600_000, presenceMs: 600_000 });
  try {
    const res = new FakeResponse();
    await hub.addReader('lb1', res as unknown as ServerResponse, null);

    // Quiet: every 1000 ms of silence brings a heartbeat.
    mock.timers.tick(1000);
    assert.equal(res.heartbeats(), 1);
    mock.timers.tick(1000);
    assert.equal(res.heartbeats(), 2);

    // Busy: a change every 400 ms for 5 s, no heartbeat at all.
    for (let cursor = 1; cursor <= 12; cursor++) {
      await bus.publish({ liveblogId: 'lb1', cursor, event: 'entry.published', payload: `{"entry":{"id":"e${cursor}"}}` });
      mock.timers.tick(400);
    }
    await new Promise((r) => setImmediate(r)); // the fan-out runs once the turn's I/O is handled
    assert.match(res.text, /id: 12\n/);
    assert.equal(res.heartbeats(), 2, 'no heartbeat while changes flow');

    // Quiet again: the next one comes within the interval.
    mock.timers.tick(1000);
    assert.equal(res.heartbeats(), 3);
  } finally {
    mock.timers.reset();
    hub.close();
    await close();
  }
});
