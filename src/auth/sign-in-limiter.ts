/**
 * Sign-in attempts are limited per account (guessing one reporter's password) and per
 * address (trying many accounts from one machine). Fixed windows kept in memory: enough
 * for one node. With several nodes, pass a shared limiter (same interface) in `deps`.
 */
import { tooManyRequests } from '../errors.ts';

export interface RateLimiter {
  /** Counts one hit on `key`; `allowed` false once `limit` hits fell in the current window. */
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
  reset(key: string): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  private windows = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number) {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      // Sweep now and then so keys of one-off visitors do not pile up.
      if (this.windows.size > 10_000) for (const [k, v] of this.windows) if (v.resetAt <= t) this.windows.delete(k);
      w = { count: 0, resetAt: t + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= limit, retryAfterMs: w.resetAt - t };
  }

  async reset(key: string) {
    this.windows.delete(key);
  }
}

export const SIGN_IN_LIMITS = {
  perAccount: { limit: 10, windowMs: 15 * 60_000 },
  perAddress: { limit: 50, windowMs: 15 * 60_000 },
};

/** Throws 429 with Retry-After when this account or this address has tried too often. */
export async function checkSignIn(limiter: RateLimiter, email: string, address: string): Promise<void> {
  const a = await limiter.hit(`sign-in:account:${email.toLowerCase()}`, SIGN_IN_LIMITS.perAccount.limit, SIGN_IN_LIMITS.perAccount.windowMs);
  const b = await limiter.hit(`sign-in:address:${address}`, SIGN_IN_LIMITS.perAddress.limit, SIGN_IN_LIMITS.perAddress.windowMs);
  const blocked = [a, b].filter((r) => !r.allowed);
  if (blocked.length) throw tooManyRequests(Math.max(1, Math.ceil(Math.max(...blocked.map((r) => r.retryAfterMs)) / 1000)));
}

/** A good password clears the account's count, so a reporter who mistyped twice is not held back later. */
export const clearSignIn = (limiter: RateLimiter, email: string) => limiter.reset(`sign-in:account:${email.toLowerCase()}`);
