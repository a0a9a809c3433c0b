/** Fixed-window counts in this process: exact for one node, per node when Redis is away. */
import { result, type RateLimit, type RateLimiter, type RateLimitResult } from './rate-limiter.ts';

export class MemoryRateLimiter implements RateLimiter {
  private windows = new Map<string, { count: number; resetAt: number }>();
  private sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    // Expired windows are dropped in bulk so memory follows active keys, not all keys ever seen.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async hit(key: string, limit: RateLimit): Promise<RateLimitResult> {
    return this.hitSync(key, limit);
  }

  hitSync(key: string, limit: RateLimit): RateLimitResult {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + limit.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return result(w.count, limit, w.resetAt - now);
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.windows.clear();
  }
}
