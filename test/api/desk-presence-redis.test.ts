/**
 * Desk presence across nodes: two apps (one database, one Redis, as two nodes behind a
 * balancer) each see the colleagues whose desks report to the other. Runs against the
 * shared Redis under a key prefix of this run; the memory store keeps the one-node case.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.ts';
import { connect, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { MemoryBus } from '../../src/live/bus.ts';
import { LocalPresence } from '../../src/live/presence.ts';
import { createRedis } from '../../src/live/redis-client.ts';
import { buildApp, type App } from '../../src/app.ts';
import { RedisDeskPresence } from '../../src/desk/redis-desk-presence-store.ts';
import { MemoryDeskPresence } from '../../src/desk/desk-presence-store.ts';
import { iso, systemClock } from '../../src/time.ts';
import { auth } from '../helpers/test-app.ts';
import { redisSkip, SHARED_REDIS_URL } from '../helpers/redis.ts';

const skip = await redisSkip();
const prefix = `unfold_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
let dataDir = '';
let db: Db;
let redis: Redis;
const nodes: App[] = [];

before(async () => {
  if (skip) return;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-desk-presence-'));
  db = await connect({ dataDir, databaseUrl: null });
  await migrateToLatest(db.kysely);
  redis = createRedis(SHARED_REDIS_URL, 'desk-presence-test');
  await new Promise((r) => redis.once('ready', r));
  for (const node of ['a', 'b']) {
    const config = loadConfig({ UNFOLD_DATA_DIR: dataDir, UNFOLD_DEMO: '0', PUBLIC_URL: 'http://unfold.test', UNFOLD_NODE_ID: node });
    nodes.push(await buildApp({ config, db, bus: new MemoryBus(), presence: new LocalPresence(), clock: systemClock, deskPresence: new RedisDeskPresence(redis, prefix) }));
  }
});

after(async () => {
  for (const n of nodes) await n.app.close();
  if (redis) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
  await db?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function tokenFor(role: 'editor' | 'contributor', name: string): Promise<string> {
  const u = await nodes[0].services.users.create({ email: `${name.toLowerCase()}@presence.test`, name, role, passwordHash: null }, iso(new Date()));
  return nodes[0].services.users.createToken(u.id, 'test', iso(new Date()));
}

const names = (items: { user: { name: string }; editing: string | null }[]) => items.map((m) => [m.user.name, m.editing]);

test('two nodes sharing one Redis: each desk sees colleagues on the other node, and who edits what', { skip }, async () => {
  const [a, b] = nodes;
  const ana = await tokenFor('editor', 'Ana');
  const ben = await tokenFor('contributor', 'Ben');
  const lb = (await a.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(ana), payload: { title: 'Two nodes', status: 'live' } })).json();
  const url = `/api/v1/liveblogs/${lb.id}/desk-presence`;

  assert.deepEqual(names((await a.app.inject({ method: 'PUT', url, headers: auth(ana), payload: { editing: 'entry1' } })).json().items), [['Ana', 'entry1']]);
  const onB = await b.app.inject({ method: 'PUT', url, headers: auth(ben), payload: { editing: null } });
  assert.equal(onB.statusCode, 200);
  assert.deepEqual(names(onB.json().items), [['Ana', 'entry1'], ['Ben', null]], 'node b sees Ana, who reports to node a');
  const onA = await a.app.inject({ method: 'PUT', url, headers: auth(ana), payload: { editing: null } });
  assert.deepEqual(names(onA.json().items), [['Ana', null], ['Ben', null]], 'node a sees Ben, who reports to node b');

  // Leaving on one node is seen on the other.
  assert.equal((await b.app.inject({ method: 'DELETE', url, headers: auth(ben) })).statusCode, 204);
  assert.deepEqual(names((await a.app.inject({ method: 'PUT', url, headers: auth(ana), payload: { editing: null } })).json().items), [['Ana', null]]);
  assert.ok((await redis.pttl(`${prefix}desk:${lb.id}`)) > 0, 'the hash expires when no desk reports any more');
});

test('a desk that stops reporting drops out of the shared presence', { skip }, async () => {
  const store = new RedisDeskPresence(redis, prefix, 200);
  await store.beat('lbx', { id: 'u1', name: 'Gone' }, null);
  // Redis's own clock decides staleness: wait (by polling, not a fixed assertion delay) until the field is stale.
  let items = await store.beat('lbx', { id: 'u2', name: 'Here' }, null);
  for (let i = 0; i < 100 && items.length > 1; i++) {
    await new Promise((r) => setTimeout(r, 50));
    items = await store.beat('lbx', { id: 'u2', name: 'Here' }, null);
  }
  assert.deepEqual(items.map((m) => m.user.name), ['Here']);
});

test('the memory store: stale members drop out by the injected clock', async () => {
  let now = 1_000_000;
  const store = new MemoryDeskPresence(() => now);
  await store.beat('lb', { id: 'u1', name: 'Old' }, 'e1');
  now += 50_000;
  assert.deepEqual((await store.beat('lb', { id: 'u2', name: 'New' }, null)).map((m) => m.user.name), ['New']);
});
