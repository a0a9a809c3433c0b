/**
 * Sign-in attempts are limited per account (guessing one reporter's password) and per
 * address (trying many accounts from one machine). Counted in deps.rateLimiter: in memory
 * on one node, in Redis across several (src/ratelimit/). Every attempt counts, right or
 * wrong, so the limiter needs no "reset" and an attacker learns nothing from the count.
 */
import { tooManyRequests } from '../errors.ts';
import type { RateLimit, RateLimiter } from '../ratelimit/rate-limiter.ts';

/**
 * Per address is generous: a whole newsroom may sit behind one NAT address, and a desk
 * session lasts days, so real sign-ins are few; a password-guessing run is not.
 * The tight limit is per account *from one address*: a stranger who knows a reporter's
 * email cannot lock her out of the desk during a breaking story from his own machine.
 * A looser per-account limit still stops guessing spread over many addresses.
 */
export const SIGN_IN_LIMITS: { perAccountAddress: RateLimit; perAccount: RateLimit; perAddress: RateLimit } = {
  perAccountAddress: { max: 10, windowMs: 15 * 60_000 },
  perAccount: { max: 50, windowMs: 15 * 60_000 },
  perAddress: { max: 100, windowMs: 15 * 60_000 },
};

/** Throws 429 with Retry-After when this account or this address has tried too often. */
export async function checkSignIn(limiter: RateLimiter, email: string, address: string): Promise<void> {
  const account = email.toLowerCase();
  const results = await Promise.all([
    limiter.hit(`signin:${account}|${address}`, SIGN_IN_LIMITS.perAccountAddress),
    limiter.hit(`signin:${account}`, SIGN_IN_LIMITS.perAccount),
    limiter.hit(`signin-ip:${address}`, SIGN_IN_LIMITS.perAddress),
  ]);
  const refused = results.filter((r) => !r.allowed);
  if (refused.length) throw tooManyRequests(Math.max(...refused.map((r) => r.retryAfterSeconds)));
}
