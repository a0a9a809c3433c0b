/**
 * The composer's draft on this device: one per user and live blog, in localStorage, so
 * it survives a crash or a reload offline. The text is the reporter's (the composer
 * writes it as it is typed); the rest says what the server holds of it, written by
 * draft-sync.ts. Offline, this copy is the truth; the server's draft catches up later.
 */
import { removeKeys } from './storage.ts';
import type { Entry } from './types.ts';

export interface DraftText {
  headline: string;
  body: string;
  keyEvent: boolean;
  pinned: boolean;
}

export type DraftInput = { headline: string | null; body: string; keyEvent: boolean; pinned: boolean; status?: 'draft' };

export interface DraftDoc extends DraftText {
  /** Idempotency-Key of this draft's creation: a create whose answer was lost, resent, makes nothing new. */
  key: string;
  /** The body of the first create attempt: a resend must be the very same request. */
  createdWith?: DraftInput;
  /** The server's draft, once it is known to exist. */
  id?: string;
  revision?: number;
  /** The text the server holds (textKey), to tell whether there is anything to save. */
  saved?: string;
  /** When the reporter last typed (ms since epoch): saved once typing has paused. */
  typedAt: number;
  /** The server's version, when a save met an edit made elsewhere: shown beside ours, saving paused. */
  conflict?: Entry;
  /** The text of the last save sent (textKey): a 409 showing exactly it is our own save whose answer was lost. */
  attempt?: string;
  /** The text the server refused (textKey): not retried until the reporter changes it. */
  refused?: string;
  /** A one-line note for the reporter (e.g. published from another device). */
  notice?: string;
}

export const EMPTY_TEXT: DraftText = { headline: '', body: '', keyEvent: false, pinned: false };
const PREFIX = 'unfold:draft:';
const listeners = new Set<() => void>();

export const storeKey = (userId: string, liveblogId: string) => `${PREFIX}${userId}:${liveblogId}`;
export const textOf = (d: DraftText): DraftText => ({ headline: d.headline, body: d.body, keyEvent: d.keyEvent, pinned: d.pinned });
export const textKey = (d: DraftText) => JSON.stringify([d.headline.trim(), d.body.trim(), d.keyEvent, d.pinned]);
export const hasText = (d: DraftText) => d.headline.trim() !== '' || d.body.trim() !== '';
export const inputOf = (d: DraftText): DraftInput => ({ headline: d.headline.trim() || null, body: d.body, keyEvent: d.keyEvent, pinned: d.pinned });
export const textOfEntry = (e: Pick<Entry, 'headline' | 'body' | 'keyEvent' | 'pinned'>): DraftText => ({ headline: e.headline ?? '', body: e.body, keyEvent: e.keyEvent, pinned: e.pinned });
/** Whether the server already holds exactly this text. */
export const isSaved = (d: DraftDoc) => d.saved === textKey(d);

export function freshDoc(text: DraftText = EMPTY_TEXT): DraftDoc {
  return { ...text, key: crypto.randomUUID(), typedAt: 0 };
}

/** A draft from the server, opened in the composer. */
export function docFromEntry(e: Entry): DraftDoc {
  const text = textOfEntry(e);
  return { ...text, key: crypto.randomUUID(), id: e.id, revision: e.revision, saved: textKey(text), typedAt: 0 };
}

export function loadDoc(userId: string, liveblogId: string): DraftDoc {
  try {
    const raw = JSON.parse(localStorage.getItem(storeKey(userId, liveblogId)) || 'null');
    if (raw && typeof raw.key === 'string') return { ...EMPTY_TEXT, typedAt: 0, ...raw };
  } catch {
    // Unreadable: start afresh rather than break the composer.
  }
  return freshDoc();
}

export function saveDoc(userId: string, liveblogId: string, doc: DraftDoc): void {
  localStorage.setItem(storeKey(userId, liveblogId), JSON.stringify(doc));
  listeners.forEach((l) => l());
}

/** The composer's keystrokes: the text only, so what draft-sync learnt meanwhile is kept. */
export function writeText(userId: string, liveblogId: string, text: DraftText): DraftDoc {
  const next = { ...loadDoc(userId, liveblogId), ...text, typedAt: Date.now() };
  saveDoc(userId, liveblogId, next);
  return next;
}

/** draft-sync's answers: applied only while the composer still holds the same draft. */
export function patchDoc(userId: string, liveblogId: string, key: string, patch: Partial<DraftDoc>): void {
  const cur = loadDoc(userId, liveblogId);
  if (cur.key === key) saveDoc(userId, liveblogId, { ...cur, ...patch });
}

/** Every composer draft of this user on this device, with its live blog. */
export function allDocs(userId: string): { liveblogId: string; doc: DraftDoc }[] {
  const out: { liveblogId: string; doc: DraftDoc }[] = [];
  const prefix = `${PREFIX}${userId}:`;
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k?.startsWith(prefix)) out.push({ liveblogId: k.slice(prefix.length), doc: loadDoc(userId, k.slice(prefix.length)) });
  }
  return out;
}

/** Drops this user's composer drafts on this device (sign-out.ts first hands unsaved text to the outbox). */
export function removeDocs(userId: string): void {
  removeKeys((k) => k.startsWith(`${PREFIX}${userId}:`));
  listeners.forEach((l) => l());
}

export function subscribeDrafts(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
