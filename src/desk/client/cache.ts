/**
 * Last answers kept in localStorage, so a desk reloaded offline still shows what it knew.
 * Kept per user: on a shared laptop the next person must never be shown the previous
 * one's lists (their drafts, their submissions), not even for the moment before the
 * network answers. Signing out drops the cache (sign-out.ts).
 */
import { removeKeys } from './storage.ts';

const PREFIX = 'unfold:cache:';
const keyOf = (userId: string, key: string) => `${PREFIX}${userId}:${key}`;

export function cached<T>(userId: string, key: string): T | null {
  try {
    return JSON.parse(localStorage.getItem(keyOf(userId, key)) || 'null');
  } catch {
    return null;
  }
}

export function keep(userId: string, key: string, value: unknown): void {
  try {
    localStorage.setItem(keyOf(userId, key), JSON.stringify(value));
  } catch {
    // Storage full: the cache is a convenience, the outbox matters more.
  }
}

/**
 * Drops every cached answer on this device — every user's, and the unscoped ones an
 * earlier desk wrote: it is only a convenience, and a shared laptop keeps nobody's lists.
 */
export function forgetCache(): void {
  removeKeys((k) => k.startsWith(PREFIX));
}
