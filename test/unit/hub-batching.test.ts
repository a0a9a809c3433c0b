/**
 * When the hub fans out: a change that finds it idle leaves at once, before the code that
 * published it goes on (the writer's HTTP answer comes after the readers' writes); once a
 * fan-out has run, changes that arrive before the event loop's next check phase (behind a
 * long fan-out, they all do) wait for it and leave together, as one write per reader.
 * Readers that join between a change and its fan-out still get every change exactly once,
 * in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { MemoryBus } from '../../src/live/bus.ts';
import { LocalPresence } from '../../src/live/presence.ts';
import { Hub } from '../../src/live/hub.ts';
import { FakeResponse, hubDatabase } from '../helpers/hub-fixture.ts';

const turn = () => new Promise((r) => setImmediate(r));

test('changes of one turn leave in one write per reader; late joiners get each change exactly once', async () => {
  const { db, close } = await hubDatabase();
  const bus = new MemoryBus();
  const hub = new Hub({ db: db.kysely, bus, presence: new LocalPresence(), heartbeatMs: 60_000, maxBuffer: 1 << 20, resyncMs: 600_000, presenceMs: 600_000 });
  const publish = (cursor: number) => bus.publish({ liveblogId: 'lb1', cursor, event: 'entry.published', payload: `{"entry":{"id":"e${cursor}"}}` });
  const reader = async (lastEventId: number | null) => {
    const res = new FakeResponse();
    await hub.addReader('lb1', res as unknown as ServerResponse, lastEventId);
    return res;
  };
  try {
    const a = await reader(null);

    // Idle: the first change is written before the publisher's await returns. The two after
    // it in the same turn find the hub busy and leave together in the check phase.
    await publish(1);
    assert.deepEqual(a.changeWrites(), [[1]], 'an idle hub writes at once');
    await publish(2);
    await publish(3);
    assert.deepEqual(a.ids(), [1], 'a busy hub waits for the check phase');
    await turn();
    assert.deepEqual(a.changeWrites(), [[1], [2, 3]]);

    // A reader joining before the fan-out replays 4 from memory; the fan-out skips it.
    await publish(4);
    const b = await reader(3);
    await turn();
    assert.deepEqual(b.ids(), [4]);

    // A reader joining in the middle of a batch gets only the part it has not replayed.
    await publish(5);
    const c = await reader(4);
    await publish(6);
    await turn();
    assert.deepEqual(c.ids(), [5, 6]);
    assert.deepEqual(c.changeWrites(), [[5], [6]]);
    assert.deepEqual(b.ids(), [4, 5, 6]);
    assert.deepEqual(b.changeWrites(), [[4], [5, 6]]);

    // One change per turn while busy: each leaves on its own, in its own turn.
    await publish(7);
    await turn();
    await publish(8);
    await turn();
    assert.deepEqual(a.changeWrites(), [[1], [2, 3], [4], [5, 6], [7], [8]]);
    assert.deepEqual(c.ids(), [5, 6, 7, 8]);

    // A turn without a fan-out makes the hub idle again: the next change leaves at once.
    await turn();
    await publish(9);
    assert.deepEqual(a.changeWrites().at(-1), [9]);
  } finally {
    hub.close();
    await close();
  }
});
