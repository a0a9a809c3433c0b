/**
 * Fixed-window counts shared by every node: INCR a key that expires with its window, in
 * one Lua call. When Redis is down it falls back to counting in this process, so a limit
 * still holds per node instead of failing open everywhere or refusing every sign-in.
 */
import type { Redis } from 'ioredis';
import { MemoryRateLimiter } from './memory-rate-limiter.ts';
import { result, type RateLimit, type RateLimiter, type RateLimitResult } from './rate-limiter.ts';

const INCR_WINDOW = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { n, ttl }
`;

type WithScript = Redis & { unfoldRateLimit(key: string, windowMs: string): Promise<[number, number]> };

export class RedisRateLimiter implements RateLimiter {
  private readonly client: WithScript;
  private readonly fallback = new MemoryRateLimiter();

  constructor(client: Redis, private readonly prefix: string) {
    if (!('unfoldRateLimit' in client)) client.defineCommand('unfoldRateLimit', { numberOfKeys: 1, lua: INCR_WINDOW });
    this.client = client as WithScript;
  }

  async hit(key: string, limit: RateLimit): Promise<RateLimitResult> {
    try {
      const [count, msLeft] = await this.client.unfoldRateLimit(`${this.prefix}rl:${key}`, String(limit.windowMs));
      return result(Number(count), limit, Number(msLeft));
    } catch {
      return this.fallback.hitSync(key, limit);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
  }
}
