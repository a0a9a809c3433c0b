/**
 * The outbox: every entry the composer publishes goes through here, online or not.
 * Items live in localStorage (they survive a reload or a crashed tab) and are sent one
 * at a time, oldest first, each with the Idempotency-Key made when it was composed. A
 * send whose answer was lost is simply sent again with the same key: the server returns
 * the first result and creates nothing, so an entry is never lost and never posted twice.
 * An item composed from a server draft publishes that draft (one PATCH, same guarantees)
 * instead of creating a second entry. When nothing is queued, the loop saves drafts.
 */
import { api, ApiError, NetworkError, StaleSession } from './api.ts';
import { saveNextDraft } from './draft-sync.ts';
import { textKey, textOfEntry, type DraftInput } from './draft-store.ts';
import type { Entry } from './types.ts';

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutboxItem {
  key: string;
  /** Who wrote it: on a shared laptop, one reporter's queue is never sent as another's. */
  userId: string;
  liveblogId: string;
  input: DraftInput;
  /** The server draft this text was composed in: sending publishes it (or saves it, for status draft). */
  draft?: DraftLink;
  state: OutboxState;
  composedAt: string;
  /** When the server took it; shown beside composedAt when it waited (offline). */
  sentAt?: string;
  error?: string;
  entryId?: string;
}

export interface DraftLink {
  /** The draft's own creation key (draft-store), to learn its id if that create is still on its way. */
  key: string;
  id?: string;
  revision?: number;
  /** The text of the draft's last autosave attempt (draft-store textKey). */
  attempt?: string;
  /** A create whose answer never came: resent as is (same key, same body) to learn the draft's id. */
  create?: DraftInput;
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
export function enqueue(liveblogId: string, input: OutboxItem['input'], draft?: DraftLink): OutboxItem {
  if (!currentUser) throw new Error('not signed in');
  const item: OutboxItem = { key: crypto.randomUUID(), userId: currentUser, liveblogId, input, draft, state: 'queued', composedAt: new Date().toISOString() };
  save([...all(), item]);
  void flush();
  return item;
}

export function discard(key: string): void {
  save(all().filter((i) => i.key !== key));
}

/** Forgets this user's sent items (their text stays out of the next person's storage); unsent ones stay theirs. */
export function dropSent(userId: string): void {
  save(all().filter((i) => !(i.userId === userId && i.state === 'sent')));
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

/** A draft saved (or created) meanwhile: queued publishes of it carry its newest id and revision. */
function onServerDraft(draftKey: string, id: string, revision: number): void {
  const list = all();
  if (list.some((i) => i.draft?.key === draftKey && i.state !== 'sent')) {
    save(list.map((i) => (i.draft?.key === draftKey && i.state !== 'sent' ? { ...i, draft: { ...i.draft, key: draftKey, id, revision, create: undefined } } : i)));
  }
}

/** One send of an item: publishes its draft when it has one, else creates the entry. */
async function send(item: OutboxItem): Promise<Entry> {
  const base = `/api/v1/liveblogs/${item.liveblogId}/entries`;
  let link = item.draft;
  if (link && !link.id && link.create) {
    const d = await api<Entry>('POST', base, link.create, { 'idempotency-key': link.key });
    link = { key: link.key, id: d.id, revision: d.revision };
    update(item.key, { draft: link });
  }
  if (link?.id) {
    try {
      return await api<Entry>('PATCH', `${base}/${link.id}`, { ...item.input, status: item.input.status ?? 'published', revision: link.revision }, { 'idempotency-key': item.key });
    } catch (err) {
      // The draft was discarded elsewhere: the text here is the truth, so it becomes a new entry.
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      update(item.key, { draft: undefined });
    }
  }
  return api<Entry>('POST', base, item.input, { 'idempotency-key': item.key });
}

/** Why a publish of a draft met a 409, and what Retry will do; the revision kept for that retry. */
function draftConflict(item: OutboxItem, err: ApiError): Partial<OutboxItem> | null {
  const current = err.problem.current as Entry | undefined;
  if (err.status !== 409 || !current || !item.draft?.id) return null;
  if (current.status !== 'draft') return { state: 'failed', error: `Already ${current.status} from another device` };
  // Our own autosave went through but its answer was lost: not a conflict, send again on its revision.
  if (item.draft.attempt && textKey(textOfEntry(current)) === item.draft.attempt && item.draft.revision !== current.revision) {
    return { state: 'queued', draft: { ...item.draft, revision: current.revision } };
  }
  return { state: 'failed', draft: { ...item.draft, revision: current.revision }, error: 'The draft was changed on another device: Retry sends this text over it' };
}

/** Sends what is waiting, in order, then saves drafts. Stops at the first network failure and tries again later. */
export async function flush(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (;;) {
      if (!navigator.onLine || !currentUser) return;
      // "sending" left over from a reload is resent: same key, so at most once on the server.
      const next = items().find((i) => i.state === 'queued' || i.state === 'sending');
      if (!next) {
        if (await saveNextDraft(currentUser, onServerDraft).catch(stopOn)) continue;
        return;
      }
      update(next.key, { state: 'sending' });
      try {
        const e = await send(next);
        update(next.key, { state: 'sent', entryId: e.id, error: undefined, sentAt: new Date().toISOString() });
      } catch (err) {
        const status = err instanceof ApiError ? err.status : 0;
        const conflict = err instanceof ApiError ? draftConflict(next, err) : null;
        if (conflict) {
          update(next.key, conflict);
          continue;
        }
        if (err instanceof NetworkError || err instanceof StaleSession || status >= 500 || status === 429 || status === 408 || status === 401) {
          // Not refused, just not now (offline, server restarting, signed out, a session renewed
          // in another tab while we retried — api.ts already refreshed the token once): keep it, in place.
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

/** A draft save that could not happen now: false ends this round; retried like a queued item. */
function stopOn(err: unknown): false {
  const status = err instanceof ApiError ? err.status : 0;
  if (status === 401) dispatchEvent(new Event('unfold:signed-out'));
  else later();
  return false;
}

/** Starts sending whenever the connection returns, and picks up what a reload left. */
export function startOutbox(): void {
  addEventListener('online', () => void flush());
  // Another tab of the desk changed the queue: show it.
  addEventListener('storage', (e) => e.key === KEY && listeners.forEach((l) => l()));
}
