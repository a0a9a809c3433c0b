/**
 * The PostgreSQL connection under an outage, through a TCP proxy the test cuts: a
 * connection that dies mid-transaction must reject that transaction (as a "database
 * unavailable" error, which the API answers with 503), never crash the process, and the
 * same pool must work again once the server is back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { connect } from '../../src/db/connect.ts';
import { isDbUnavailable } from '../../src/http/db-unavailable.ts';
import { freshSchema, pgSkip } from '../helpers/pg.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

const skip = await pgSkip();

test('a connection cut mid-transaction rejects as unavailable, and the pool recovers', { skip, timeout: 30_000 }, async () => {
  const s = await freshSchema();
  const target = new URL(s.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  target.port = String(proxy.port);
  const db = await connect({ dataDir: '', databaseUrl: target.toString(), pgSchema: s.schema, pgPoolMax: 2 });
  try {
    const trx = db.kysely.transaction().execute(async (t) => {
      await sql`select 1`.execute(t);
      proxy.cut();
      // The client is checked out and idle between statements when its socket dies.
      await new Promise((r) => setTimeout(r, 200));
      await sql`select 2`.execute(t);
    });
    await assert.rejects(trx, (err) => isDbUnavailable(err));
    await assert.rejects(db.ping(), (err) => isDbUnavailable(err));
    proxy.restore();
    await db.ping();
    const r = await sql<{ n: number }>`select 41 + 1 as n`.execute(db.kysely);
    assert.equal(Number(r.rows[0].n), 42);
  } finally {
    await db.close();
    await proxy.close();
    await s.drop();
  }
});

test('start-up errors are one line: unreachable server, unknown database', { skip, timeout: 30_000 }, async () => {
  await assert.rejects(connect({ dataDir: '', databaseUrl: 'postgres://nobody@127.0.0.1:1/test' }), (err: Error) => {
    assert.match(err.message, /^cannot reach PostgreSQL at 127\.0\.0\.1:1\/test: .*ECONNREFUSED/);
    assert.ok(!err.message.includes('\n'));
    return true;
  });
  const s = await freshSchema();
  const u = new URL(s.url);
  u.pathname = '/no_such_db_unfold';
  await assert.rejects(connect({ dataDir: '', databaseUrl: u.toString() }), /^Error: cannot reach PostgreSQL at 127\.0\.0\.1:5432\/no_such_db_unfold: database "no_such_db_unfold" does not exist$/);
});
