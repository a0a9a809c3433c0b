/**
 * The outbox: every entry the composer publishes goes through here, online or not.
 * Items live in localStorage (they survive a reload or a crashed tab) and are sent one
 * at a time, oldest first, each with the Idempotency-Key made when it was composed. A
 * send whose answer was lost is simply sent again with the same key: the server returns
 * the first result and creates nothing, so an entry is never lost and never posted twice.
 */
import { api, ApiError, NetworkError } from './api.ts';
import type { Entry } from './types.ts';

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutboxItem {
  key: string;
  /** Who wrote it: on a shared laptop, one reporter's queue is never sent as another's. */
  userId: string;
  liveblogId: string;
  input: { headline: string | null; body: string; keyEvent: boolean; pinned: boolean; status?: 'draft' };
  state: OutboxState;
  composedAt: string;
  error?: string;
  entryId?: string;
}

const KEY = 'unfold:outbox';
const RETRY_MS = 3000;
/** Sent items stay listed for a while so the reporter sees them go; then they are dropped. */
const KEEP_SENT = 8;

const listeners = new Set<() => void>();
let currentUser: string | null = null;
let running = false;
let retryTimer: ReturnType<typeof setTimeout> | null = null;

function all(): OutboxItem[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '[]');
  } catch {
    return [];
  }
}

/** The signed-in user's items, oldest first. */
export function items(): OutboxItem[] {
  return all().filter((i) => i.userId === currentUser);
}

/** Sets whose queue this desk shows and sends, and starts sending it. */
export function setOutboxUser(userId: string | null): void {
  currentUser = userId;
  listeners.forEach((l) => l());
  void flush();
}

function save(list: OutboxItem[]): void {
  const sent = list.filter((i) => i.state === 'sent');
  const drop = new Set(sent.slice(0, Math.max(0, sent.length - KEEP_SENT)).map((i) => i.key));
  localStorage.setItem(KEY, JSON.stringify(list.filter((i) => !drop.has(i.key))));
  listeners.forEach((l) => l());
}

function update(key: string, patch: Partial<OutboxItem>): void {
  save(all().map((i) => (i.key === key ? { ...i, ...patch } : i)));
}

export function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Queues an entry; its Idempotency-Key is made now and stays with it until it is sent. */
export function enqueue(liveblogId: string, input: OutboxItem['input']): OutboxItem {
  if (!currentUser) throw new Error('not signed in');
  const item: OutboxItem = { key: crypto.randomUUID(), userId: currentUser, liveblogId, input, state: 'queued', composedAt: new Date().toISOString() };
  save([...all(), item]);
  void flush();
  return item;
}

export function discard(key: string): void {
  save(all().filter((i) => i.key !== key));
}

export function retry(key: string): void {
  update(key, { state: 'queued', error: undefined });
  void flush();
}

function later(): void {
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    void flush();
  }, RETRY_MS);
}

/** Sends what is waiting, in order. Stops at the first network failure and tries again later. */
export async function flush(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (;;) {
      // "sending" left over from a reload is resent: same key, so at most once on the server.
      const next = items().find((i) => i.state === 'queued' || i.state === 'sending');
      if (!next) return;
      if (!navigator.onLine) return;
      update(next.key, { state: 'sending' });
      try {
        const e = await api<Entry>('POST', `/api/v1/liveblogs/${next.liveblogId}/entries`, next.input, { 'idempotency-key': next.key });
        update(next.key, { state: 'sent', entryId: e.id, error: undefined });
      } catch (err) {
        const status = err instanceof ApiError ? err.status : 0;
        if (err instanceof NetworkError || status >= 500 || status === 429 || status === 408 || status === 401) {
          // Not refused, just not now (offline, server restarting, signed out): keep it, in place.
          update(next.key, { state: 'queued', error: status === 401 ? 'Sign in again to send' : undefined });
          // Signed out meanwhile (session expired): the desk asks for a sign-in, then flushes again.
          if (status === 401) dispatchEvent(new Event('unfold:signed-out'));
          else later();
          return;
        }
        update(next.key, { state: 'failed', error: (err as Error).message });
      }
    }
  } finally {
    running = false;
  }
}

/** Starts sending whenever the connection returns, and picks up what a reload left. */
export function startOutbox(): void {
  addEventListener('online', () => void flush());
  // Another tab of the desk changed the queue: show it.
  addEventListener('storage', (e) => e.key === KEY && listeners.forEach((l) => l()));
}
