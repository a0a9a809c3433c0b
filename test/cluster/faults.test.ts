/**
 * Faults, with servers the test owns: a private redis-server that is killed and restarted
 * while two nodes publish, and a TCP proxy between a node and PostgreSQL that is cut and
 * restored. The machine's shared servers are never touched.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshSchema, pgSkip, type PgSchema } from '../helpers/pg.ts';
import { redisServerSkip, startPrivateRedis, type PrivateRedis } from '../helpers/redis.ts';
import { openSse, type SseClient } from '../helpers/sse-client.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { api, prepareSchema, startNode, type NodeProc } from './nodes.ts';

const skip = (await pgSkip()) || redisServerSkip();
let schema: PgSchema | null = null;
let token = '';
const nodes: NodeProc[] = [];
const readers: SseClient[] = [];
let redis: PrivateRedis | null = null;
let proxy: TcpProxy | null = null;

before(async () => {
  if (skip) return;
  schema = await freshSchema();
  token = await prepareSchema(schema.url, schema.schema);
});

after(async () => {
  for (const r of readers) r.close();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.kill();
  await proxy?.close();
  await schema?.drop();
});

/** On failure, what the nodes said is usually the explanation. */
async function withNodeLogs(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${nodes.map((n) => `--- ${n.name}\n${n.output().slice(-3000)}`).join('\n')}`, { cause: err });
  }
}

const cursors = (r: SseClient) => r.changes().map((m) => Number(m.id));
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function newLiveblog(node: NodeProc, title: string): Promise<string> {
  const r = await api(node.url, 'POST', '/api/v1/liveblogs', token, { title, status: 'live' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

describe('faults', { skip }, () => {
  test('Redis dies while two nodes publish: writes go on, and every reader catches up when it returns', { timeout: 120_000 }, () => withNodeLogs(async () => {
    redis = await startPrivateRedis();
    const env = {
      DATABASE_URL: schema!.url,
      PG_SCHEMA: schema!.schema,
      REDIS_URL: redis.url,
      // A long periodic resync: the catch-up must come from the bus's resume, not the timer.
      UNFOLD_RESYNC_MS: '120000',
    };
    const [a, b] = await Promise.all([startNode('ra', env), startNode('rb', env)]);
    nodes.push(a, b);
    const id = await newLiveblog(a, 'Redis outage');
    const rs = await Promise.all([a, b, a, b].map((n) => openSse(`${n.url}/api/v1/liveblogs/${id}/stream`)));
    readers.push(...rs);
    await Promise.all(rs.map((r) => r.waitFor((c) => c.messages.length > 0, 5000, 'presence')));

    let n = 0;
    const publish = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const node = n++ % 2 ? b : a;
        const t0 = Date.now();
        const r = await api(node.url, 'POST', `/api/v1/liveblogs/${id}/entries`, token, { body: `entry ${n} via ${node.name}` });
        assert.equal(r.status, 201, `write ${n} on ${node.name}: ${JSON.stringify(r.body)}`);
        // The publish must not hang the request while Redis is away.
        assert.ok(Date.now() - t0 < 3000, `write ${n} took ${Date.now() - t0} ms`);
      }
    };

    await publish(10);
    await Promise.all(rs.map((r) => r.waitFor((c) => c.changes().length >= 10, 10_000, '10 changes')));

    await redis.kill();
    await publish(10);
    // Each node's own readers see its own writes at once even without Redis.
    await rs[0].waitFor((c) => c.changes().some((m) => m.id === '19'), 5000, 'node a to deliver its own write 19');

    const back = Date.now();
    await redis.start();
    await Promise.all(rs.map((r) => r.waitFor((c) => c.changes().length >= 20, 15_000, 'the catch-up to 20')));
    console.log(`Redis back → all readers caught up in ${Date.now() - back} ms`);

    await publish(10);
    await Promise.all(rs.map((r) => r.waitFor((c) => c.changes().length >= 30, 10_000, '30 changes')));
    await new Promise((r) => setTimeout(r, 300));
    for (const [k, r] of rs.entries()) {
      assert.deepEqual(cursors(r), upTo(30), `reader ${k}: every change once, in order`);
      assert.equal(r.ended, false);
    }
    for (const r of rs) r.close();
  }));

  test('PostgreSQL cut: writes and /readyz answer 503, streams stay open, the node recovers by itself', { timeout: 120_000 }, () => withNodeLogs(async () => {
    const pg = new URL(schema!.url);
    proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    pg.port = String(proxy.port);
    const node = await startNode('pgcut', {
      DATABASE_URL: pg.toString(),
      PG_SCHEMA: schema!.schema,
      UNFOLD_HEARTBEAT_MS: '300',
      UNFOLD_RESYNC_MS: '500',
    });
    nodes.push(node);
    const id = await newLiveblog(node, 'Database outage');
    const reader = await openSse(`${node.url}/api/v1/liveblogs/${id}/stream`);
    readers.push(reader);
    const first = await api(node.url, 'POST', `/api/v1/liveblogs/${id}/entries`, token, { body: 'before the cut' });
    assert.equal(first.status, 201);
    await reader.waitFor((c) => c.changes().length === 1, 5000, 'the first change');

    proxy.cut();
    const cutAt = Date.now();
    const write = await api(node.url, 'POST', `/api/v1/liveblogs/${id}/entries`, token, { body: 'during the cut' });
    assert.equal(write.status, 503, JSON.stringify(write.body));
    assert.match(write.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.ok(Number(write.headers.get('retry-after')) > 0);
    assert.equal(write.body.status, 503);
    const ready = await api(node.url, 'GET', '/readyz', null);
    assert.equal(ready.status, 503);
    assert.ok(Number(ready.headers.get('retry-after')) > 0);
    console.log(`with PostgreSQL cut: write answered 503 after ${Date.now() - cutAt} ms (incl. /readyz)`);

    // The stream lives on: heartbeats keep arriving through the outage.
    const bytes = reader.bytes;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(reader.ended, false, 'the stream stayed open');
    assert.ok(reader.bytes > bytes, 'heartbeats kept flowing');

    proxy.restore();
    const restoredAt = Date.now();
    let readyAgain = 0;
    while (Date.now() - restoredAt < 20_000) {
      if ((await api(node.url, 'GET', '/readyz', null)).status === 200) {
        readyAgain = Date.now() - restoredAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(readyAgain > 0 || (await api(node.url, 'GET', '/readyz', null)).status === 200, '/readyz is 200 again');
    console.log(`PostgreSQL back → /readyz 200 after ${readyAgain} ms`);
    const after = await api(node.url, 'POST', `/api/v1/liveblogs/${id}/entries`, token, { body: 'after the cut' });
    assert.equal(after.status, 201, JSON.stringify(after.body));
    await reader.waitFor((c) => c.changes().length === 2, 5000, 'the change after recovery');
    assert.deepEqual(cursors(reader), [1, 2]);
    assert.equal(reader.ended, false);
  }));
});
