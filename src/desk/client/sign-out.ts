/**
 * Signing out of a shared newsroom laptop: the next person must find nothing of this
 * one's on the desk — no cached lists (their drafts and submissions), no composer text
 * (their Ctrl+Enter would publish it under their own name).
 *
 * What this user typed and the server does not hold yet is not thrown away: it goes to
 * the outbox as a draft (not a publish). The outbox is scoped to its user and never sends
 * one person's items as another's, so it is saved now if the connection allows, or when
 * this same user signs in again — then it is in their "Drafts" on any device.
 */
import { api, NetworkError, rememberSession } from './api.ts';
import { forgetCache } from './cache.ts';
import { linkOf } from './composer.tsx';
import { allDocs, hasText, inputOf, isSaved, removeDocs } from './draft-store.ts';
import { dropSent, enqueue } from './outbox.ts';
import { removeKeys } from './storage.ts';

/** Before the session ends: the user's unsaved composer text becomes queued drafts of theirs. */
export function keepUnsavedText(userId: string): void {
  for (const { liveblogId, doc } of allDocs(userId)) {
    if (!hasText(doc) || (isSaved(doc) && !doc.conflict)) continue;
    // Text that met an edit made elsewhere becomes a draft of its own: neither version is overwritten unseen.
    enqueue(liveblogId, { ...inputOf(doc), status: 'draft' }, doc.conflict ? undefined : linkOf(doc));
  }
}

/** After the session ended: nothing of this user's is left for the next one but their unsent outbox items. */
export function forgetUserOnDevice(userId: string): void {
  removeDocs(userId);
  dropSent(userId);
  forgetCache();
  // An earlier desk kept composer text under unfold:compose:<liveblog>, for no one in
  // particular: it cannot be given back to its author, and must not go to whoever comes next.
  removeKeys((k) => k.startsWith('unfold:compose:'));
}

/** Whose sign-out did not reach the server yet: their session must end before the desk trusts the cookie again. */
const PENDING = 'unfold:signout-pending';

/**
 * Ends the session on the server. Offline, the session cookie (which the page cannot
 * touch) would keep the signed-out person signed in at the next reload with a network, on
 * a laptop someone else now uses: so the sign-out is remembered and finished first thing
 * when the network is back (finishPendingSignOut).
 */
export async function endSession(userId: string): Promise<void> {
  try {
    await api('DELETE', '/api/v1/session');
  } catch (e) {
    if (e instanceof NetworkError) localStorage.setItem(PENDING, userId);
  }
}

/** A sign-out that could not reach the server is finished now, if the network allows. */
export async function finishPendingSignOut(): Promise<void> {
  const userId = localStorage.getItem(PENDING);
  if (!userId) return;
  try {
    const s = await api<{ user: { id: string } | null; csrfToken: string | null }>('GET', '/api/v1/session');
    // Somebody else has signed in meanwhile: theirs is not the session to end.
    if (s.user?.id === userId) {
      rememberSession(null, s.csrfToken);
      try {
        await api('DELETE', '/api/v1/session');
      } finally {
        rememberSession(null, null);
      }
    }
    localStorage.removeItem(PENDING);
  } catch (e) {
    if (!(e instanceof NetworkError)) localStorage.removeItem(PENDING);
  }
}
