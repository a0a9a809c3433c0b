/**
 * Two nodes can publish out of order: cursor N+2 may arrive while N+1 is still on its way.
 * The hub then fills the gap from the change log. If a fill is already running and read
 * the log before N+1 committed, the held N+2 must not wait for the next periodic resync:
 * the hub reads again at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Kysely, type KyselyPlugin } from 'kysely';
import { connect } from '../../src/db/connect.ts';
import { MemoryBus } from '../../src/live/bus.ts';
import { LocalPresence } from '../../src/live/presence.ts';
import { Hub } from '../../src/live/hub.ts';
import { appendChange, type Change } from '../../src/live/change-log.ts';
import { FakeResponse, hubDatabase } from '../helpers/hub-fixture.ts';
import type { Database } from '../../src/db/schema.ts';

/** Holds back the results of reads from the change log while `gate` is set. */
class GatePlugin implements KyselyPlugin {
  gate: Promise<void> | null = null;
  transformQuery(args: Parameters<KyselyPlugin['transformQuery']>[0]) {
    return args.node;
  }
  async transformResult(args: Parameters<KyselyPlugin['transformResult']>[0]) {
    if (this.gate) await this.gate;
    return args.result;
  }
}

test('a change held behind a running fill is delivered without waiting for the resync', { timeout: 10_000 }, async () => {
  const { dataDir, db, close } = await hubDatabase();
  // Writers use a connection of their own: the gated read holds the hub's connection.
  const writer = await connect({ dataDir, databaseUrl: null });
  const gate = new GatePlugin();
  const gated: Kysely<Database> = db.kysely.withPlugin(gate);
  const bus = new MemoryBus();
  const hub = new Hub({ db: gated, bus, presence: new LocalPresence(), heartbeatMs: 60_000, maxBuffer: 1 << 20, resyncMs: 600_000 });
  try {
    const now = new Date().toISOString();
    const res = new FakeResponse();
    await hub.addReader('lb1', res as unknown as ServerResponse, null);

    // A fill starts (the periodic resync, say) and reads an empty log; its answer is held back.
    let open!: () => void;
    gate.gate = new Promise((r) => (open = r));
    hub.resyncAll();
    await new Promise((r) => setTimeout(r, 20));

    // Meanwhile two changes commit; only the second reaches this node's bus.
    const append = () => writer.kysely.transaction().execute((trx) => appendChange(trx, 'lb1', 'entry.published', { n: 1 }, now));
    await append();
    const second: Change = await append();
    await bus.publish(second);

    gate.gate = null;
    open();
    const t0 = Date.now();
    while (res.ids().length < 2 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(res.ids(), [1, 2], 'both changes, in order, long before the next resync');
  } finally {
    hub.close();
    await writer.close();
    await close();
  }
});
