/**
 * The Redis parts on their own, against the shared Redis under a key prefix of this run:
 * bus wire format and fan-out between two buses, presence summed across nodes (stale
 * nodes dropped), rate limits shared across nodes, and the in-memory limiter.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { createRedis } from '../../src/live/redis-client.ts';
import { RedisBus, decodeChange, encodeChange } from '../../src/live/redis-bus.ts';
import { RedisPresence } from '../../src/live/redis-presence.ts';
import { RedisRateLimiter } from '../../src/ratelimit/redis-rate-limiter.ts';
import { MemoryRateLimiter } from '../../src/ratelimit/memory-rate-limiter.ts';
import type { Change } from '../../src/live/change-log.ts';
import { redisSkip, SHARED_REDIS_URL } from '../helpers/redis.ts';

const skip = await redisSkip();
const prefix = `unfold_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
const clients: Redis[] = [];
const client = (name: string) => {
  const c = createRedis(SHARED_REDIS_URL, name);
  clients.push(c);
  return c;
};

after(async () => {
  if (!skip) {
    const c = client('cleanup');
    await new Promise((r) => c.once('ready', r));
    const keys = await c.keys(`${prefix}*`);
    if (keys.length) await c.del(...keys);
  }
  for (const c of clients) c.disconnect();
});

test('the bus wire format round-trips and refuses garbage', () => {
  const c: Change = { liveblogId: 'abc', cursor: 42, event: 'entry.updated', payload: '{"entry":{"body":"a\\nb"}}' };
  assert.deepEqual(decodeChange(encodeChange(c)), c);
  assert.equal(decodeChange('nonsense'), null);
  assert.equal(decodeChange('abc\nx\nentry.published\n{}'), null);
});

test('a change published on one bus reaches the other, and its own node at once', { skip, timeout: 10_000 }, async () => {
  const a = new RedisBus({ client: client('a'), subscriber: client('a-sub'), prefix });
  const b = new RedisBus({ client: client('b'), subscriber: client('b-sub'), prefix });
  const gotA: number[] = [];
  const gotB: number[] = [];
  a.subscribe((c) => gotA.push(c.cursor));
  b.subscribe((c) => gotB.push(c.cursor));
  // Wait until both subscriptions are live.
  for (let i = 0; i < 100 && (await clients[0].pubsub('NUMSUB', `${prefix}changes`).catch(() => [0, 0]))[1] !== 2; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await a.publish({ liveblogId: 'lb', cursor: 1, event: 'entry.published', payload: '{}' });
  assert.deepEqual(gotA, [1], 'delivered locally before Redis answers');
  for (let i = 0; i < 100 && gotB.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(gotB, [1]);
  await a.close();
  await b.close();
});

test('presence sums every node\'s fresh count and forgets a node that stopped reporting', { skip, timeout: 10_000 }, async () => {
  const c = client('presence');
  await new Promise((r) => c.once('ready', r));
  const n1 = new RedisPresence({ client: c, prefix, nodeId: 'n1', ttlMs: 400 });
  const n2 = new RedisPresence({ client: c, prefix, nodeId: 'n2', ttlMs: 400 });
  assert.equal(await n1.total('lb', 3), 3);
  assert.equal(await n2.total('lb', 4), 7);
  assert.equal(await n1.total('lb', 5), 9);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await n1.total('lb', 5), 5, 'n2 went quiet: its count no longer counts');
  assert.equal(await n1.total('other', 1), 1);
});

test('rate limits: shared across nodes through Redis, fixed window, Retry-After', { skip, timeout: 10_000 }, async () => {
  const c1 = client('rl1');
  const c2 = client('rl2');
  await Promise.all([c1, c2].map((c) => new Promise((r) => c.once('ready', r))));
  const l1 = new RedisRateLimiter(c1, prefix);
  const l2 = new RedisRateLimiter(c2, prefix);
  const limit = { max: 3, windowMs: 60_000 };
  const results = [await l1.hit('signin:a@b', limit), await l2.hit('signin:a@b', limit), await l1.hit('signin:a@b', limit), await l2.hit('signin:a@b', limit)];
  assert.deepEqual(results.map((r) => r.allowed), [true, true, true, false]);
  assert.deepEqual(results.map((r) => r.remaining), [2, 1, 0, 0]);
  assert.ok(results[3].retryAfterSeconds >= 59 && results[3].retryAfterSeconds <= 60);
  assert.equal((await l1.hit('signin:other', limit)).allowed, true, 'keys are independent');
  const short = { max: 1, windowMs: 300 };
  assert.equal((await l1.hit('short', short)).allowed, true);
  assert.equal((await l1.hit('short', short)).allowed, false);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal((await l2.hit('short', short)).allowed, true, 'a new window');
  await l1.close();
  await l2.close();
});

test('rate limits fall back to counting in memory when Redis is unreachable', { timeout: 10_000 }, async () => {
  const dead = createRedis('redis://127.0.0.1:1', 'dead');
  clients.push(dead);
  const l = new RedisRateLimiter(dead, prefix);
  const limit = { max: 2, windowMs: 60_000 };
  const r = [await l.hit('k', limit), await l.hit('k', limit), await l.hit('k', limit)];
  assert.deepEqual(r.map((x) => x.allowed), [true, true, false]);
  await l.close();
});

test('the memory limiter: fixed window per key, resets when the window passes', async () => {
  let now = 1_000;
  const l = new MemoryRateLimiter(() => now);
  const limit = { max: 2, windowMs: 10_000 };
  assert.equal((await l.hit('k', limit)).allowed, true);
  assert.equal((await l.hit('k', limit)).allowed, true);
  const refused = await l.hit('k', limit);
  assert.equal(refused.allowed, false);
  assert.equal(refused.retryAfterSeconds, 10);
  now += 10_000;
  assert.equal((await l.hit('k', limit)).allowed, true);
  await l.close();
});
