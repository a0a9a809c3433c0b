/**
 * Redis for tests. The machine's shared server (127.0.0.1:6379) is only ever used, never
 * stopped; a test that cuts Redis runs a private `redis-server` on a spare port and
 * kills and restarts that one. Missing Redis skips outside CI and fails with CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
import { freePort } from './ports.ts';

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

async function ping(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

function missing(why: string): string {
  if (process.env.CI === 'true') throw new Error(`${why}; CI=true requires it (run .ci/services.sh)`);
  return `${why}: skipped`;
}

/** `skip` for node:test when the shared Redis does not answer. */
export async function redisSkip(): Promise<string | false> {
  return (await ping(SHARED_REDIS_URL)) ? false : missing(`Redis is not reachable at ${SHARED_REDIS_URL}`);
}

/** `skip` for node:test when no redis-server binary can be run. */
export function redisServerSkip(): string | false {
  return hasRedisServer() ? false : missing('redis-server is not installed');
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL: an outage as abrupt as a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port (empty: it keeps nothing). */
  start(): Promise<void>;
}

/** A throwaway redis-server on a spare port, nothing saved to disk. Call kill() in after(). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const self: PrivateRedis = {
    url,
    port,
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if (await ping(url)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`private redis-server on ${port} did not start`);
    },
    async kill() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
      // Wait until the port is really closed, so the outage is real before the test goes on.
      while (await portOpen(port)) await new Promise((r) => setTimeout(r, 20));
    },
  };
  await self.start();
  return self;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
