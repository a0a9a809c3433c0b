/**
 * `unfold serve --workers 2`: one primary, two worker processes on one port, one SQLite
 * file and the shared Redis. Readers land on both workers (round-robin) and each gets
 * every change once, in order, whichever worker committed it; the demo is loaded once;
 * a killed worker is replaced; SIGTERM stops everything with status 0. Without REDIS_URL
 * the primary refuses to start.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { connect } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { UserStore } from '../../src/auth/user-store.ts';
import { createRedis } from '../../src/live/redis-client.ts';
import { iso } from '../../src/time.ts';
import { freePort } from '../helpers/ports.ts';
import { redisSkip, SHARED_REDIS_URL } from '../helpers/redis.ts';
import { openSse, type SseClient } from '../helpers/sse-client.ts';
import { api } from './nodes.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRIES = 20;
const READERS = 6;

const skip = await redisSkip();
const prefix = `unfold_w_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
const dirs: string[] = [];
const procs: ChildProcess[] = [];
let redis: Redis | null = null;

after(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (redis) {
    const keys = await redis.keys(`${prefix}*`).catch(() => []);
    if (keys.length) await redis.del(...keys).catch(() => {});
    redis.disconnect();
  }
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Primary {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Spawns the primary; `out` collects what it and its workers (same stdio) wrote. */
async function spawnPrimary(env: Record<string, string>, args = ['--workers', '2']): Promise<Primary> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', UNFOLD_NODE_ID: 'wt', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(child);
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Resolves when `pred` holds (checked every 100 ms), fails after `ms` naming `what`. */
async function until(pred: () => boolean | Promise<boolean>, ms: number, what: string, p?: Primary): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${p ? `\n--- output\n${p.output().slice(-4000)}` : ''}`);
}

const count = (s: string, needle: string) => s.split(needle).length - 1;

/** With a bound, so a primary that ignores SIGTERM fails the test instead of hanging it. */
function exitWithin(p: Primary, ms: number): Promise<number | null | 'timeout'> {
  return Promise.race([p.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);
}

function workerPids(out: string): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const x of out.matchAll(/"worker":(\d+),"pid":(\d+),"msg":"worker \d+ is listening"/g)) {
    m.set(Number(x[1]), [...(m.get(Number(x[1])) ?? []), Number(x[2])]);
  }
  return m;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('--workers 2 without REDIS_URL refuses to start with one line saying why', { timeout: 60_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-workers-'));
  dirs.push(dataDir);
  const p = await spawnPrimary({ UNFOLD_DATA_DIR: dataDir, UNFOLD_DEMO: '0' });
  const code = await exitWithin(p, 45_000);
  assert.equal(code, 1, p.output());
  assert.equal(p.output(), 'unfold: --workers 2 needs REDIS_URL: workers share the change bus, reader counts and rate limits through Redis\n');
});

test('two workers: readers on both get every change once, in order; a dead worker is replaced; SIGTERM stops all with 0', { skip, timeout: 240_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-workers-'));
  dirs.push(dataDir);
  // An editor's token, written before the start (the primary then finds the schema migrated).
  const db = await connect({ dataDir, databaseUrl: null });
  let token: string;
  try {
    await migrateToLatest(db.kysely);
    const users = new UserStore(db.kysely);
    const u = await users.create({ email: 'editor@workers.test', name: 'Editor', role: 'editor', passwordHash: null }, iso(new Date()));
    token = await users.createToken(u.id, 'workers-test', iso(new Date()));
  } finally {
    await db.close();
  }
  redis = createRedis(SHARED_REDIS_URL, 'workers-test');
  const p = await spawnPrimary({ UNFOLD_DATA_DIR: dataDir, REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefix, UNFOLD_DEMO: '1' });
  const readers: SseClient[] = [];
  try {
    await until(() => p.output().includes('with 2 workers') || p.child.exitCode !== null, 120_000, 'both workers listening', p);
    assert.equal(p.child.exitCode, null, p.output());

    // The primary loaded the demo once; workers did not load it again.
    const listed = await api(p.url, 'GET', '/api/v1/liveblogs?status=live', null);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.items.length, 1, 'one demo live blog');
    assert.equal(count(p.output(), 'demo live blog loaded'), 1);

    const created = await api(p.url, 'POST', '/api/v1/liveblogs', token, { title: 'Workers', status: 'live' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    for (let i = 0; i < READERS; i++) readers.push(await openSse(`${p.url}/api/v1/liveblogs/${id}/stream`));
    for (const r of readers) assert.equal(r.status, 200);

    // Each worker reports its own readers to Redis under its own node id (every 5 s).
    await until(
      async () => {
        const h = await redis!.hgetall(`${prefix}presence:${id}`);
        return ['wt-w1', 'wt-w2'].every((n) => Number((h[n] ?? '0:').split(':')[0]) > 0);
      },
      30_000,
      'readers on both workers in Redis presence',
      p,
    );

    // Four writers at once: requests land on both workers, which write one SQLite file.
    const written = new Set<string>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i; (i = next++) < ENTRIES; ) {
          const r = await api(p.url, 'POST', `/api/v1/liveblogs/${id}/entries`, token, { headline: `#${i}`, body: `entry ${i}` });
          assert.equal(r.status, 201, JSON.stringify(r.body));
          written.add(r.body.id);
        }
      }),
    );
    await Promise.all(readers.map((r) => r.waitFor((c) => c.changes().length >= ENTRIES, 20_000, `${ENTRIES} changes`)));
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show now
    for (const [k, r] of readers.entries()) {
      const changes = r.changes();
      assert.deepEqual(changes.map((m) => Number(m.id)), Array.from({ length: ENTRIES }, (_, i) => i + 1), `reader ${k}: every cursor once, in order`);
      assert.deepEqual(new Set(changes.map((m) => JSON.parse(m.data).entry.id)), written, `reader ${k}: every entry`);
    }

    // A worker killed from outside is replaced under the same index.
    const victim = workerPids(p.output()).get(2)![0];
    process.kill(victim, 'SIGKILL');
    await until(() => (workerPids(p.output()).get(2)?.length ?? 0) >= 2, 60_000, 'a replacement for worker 2', p);
    assert.match(p.output(), /worker 2 died \(signal SIGKILL\); starting a replacement/);
    assert.equal((await api(p.url, 'GET', '/healthz', null)).status, 200);

    const pids = [...workerPids(p.output()).values()].flat();
    p.child.kill('SIGTERM');
    assert.equal(await exitWithin(p, 30_000), 0, p.output().slice(-4000));
    await until(() => readers.every((r) => r.ended), 5_000, 'streams ended');
    assert.deepEqual(pids.filter(alive), [], 'no worker left running');
  } finally {
    for (const r of readers) r.close();
  }
});
