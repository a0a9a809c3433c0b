/** Last answers kept in localStorage, so a desk reloaded offline still shows what it knew. */
export function cached<T>(key: string): T | null {
  try {
    return JSON.parse(localStorage.getItem(`unfold:cache:${key}`) || 'null');
  } catch {
    return null;
  }
}

export function keep(key: string, value: unknown): void {
  try {
    localStorage.setItem(`unfold:cache:${key}`, JSON.stringify(value));
  } catch {
    // Storage full: the cache is a convenience, the outbox matters more.
  }
}
