/**
 * Rate limits by key (e.g. `signin:<email>` or `signin-ip:<ip>`): at most `max` hits per
 * fixed window. One node counts in memory; several share the count through Redis
 * (redis-rate-limiter.ts). Chosen in runtime.ts.
 *
 * @example
 *   const r = await deps.rateLimiter.hit(`signin:${email}`, { max: 10, windowMs: 15 * 60_000 });
 *   if (!r.allowed) throw tooManyRequests(r.retryAfterSeconds);
 */
export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits left in this window (0 when refused). */
  remaining: number;
  /** Whole seconds until the window resets (≥ 1); send as Retry-After when refused. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one hit for `key` and says whether it is within the limit. */
  hit(key: string, limit: RateLimit): Promise<RateLimitResult>;
  close(): Promise<void>;
}

export function result(count: number, limit: RateLimit, msLeft: number): RateLimitResult {
  return {
    allowed: count <= limit.max,
    remaining: Math.max(0, limit.max - count),
    retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
  };
}
