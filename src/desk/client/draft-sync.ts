/**
 * Saves the composer's drafts to the server once typing has paused: the first save
 * creates the draft (status draft, with an Idempotency-Key), later ones PATCH it with its
 * revision. Run by the outbox's sending loop, after what is queued for publishing, so a
 * save and a publish of the same draft never race. One save per call; a network failure
 * is thrown for the loop to retry later. A save that meets an edit made elsewhere (409)
 * keeps the local text and shows the server's beside it: nothing typed is lost.
 */
import { api, ApiError, StaleSession } from './api.ts';
import { allDocs, freshDoc, hasText, inputOf, isSaved, patchDoc, textKey, textOfEntry, type DraftDoc } from './draft-store.ts';
import type { Entry } from './types.ts';

/** Typing must pause this long before the draft is saved. */
export const SAVE_AFTER_MS = 1500;

/** Told when a draft's server id or revision changes, so queued publishes of it use the newest. */
export type OnServerDraft = (draftKey: string, id: string, revision: number) => void;

const due = (d: DraftDoc, now: number) => hasText(d) && !isSaved(d) && !d.conflict && d.refused !== textKey(d) && now - d.typedAt >= SAVE_AFTER_MS;

/** The next draft waiting to be saved, soonest due first; null when none is due. */
function nextDue(userId: string, now: number): { liveblogId: string; doc: DraftDoc } | null {
  return allDocs(userId).find((x) => due(x.doc, now)) ?? null;
}

/** Saves one draft that is due. True when it did something (the loop then looks again). */
export async function saveNextDraft(userId: string, onServerDraft: OnServerDraft, now = Date.now()): Promise<boolean> {
  const next = nextDue(userId, now);
  if (!next) return false;
  const { liveblogId, doc } = next;
  const base = `/api/v1/liveblogs/${liveblogId}/entries`;
  const sent = textKey(doc);
  try {
    if (!doc.id) {
      // The first attempt's body is kept: a resend after a lost answer must be the same request.
      const create = doc.createdWith ?? { ...inputOf(doc), status: 'draft' as const };
      patchDoc(userId, liveblogId, doc.key, { createdWith: create, attempt: textKey(textOfEntry(create)) });
      const e = await api<Entry>('POST', base, create, { 'idempotency-key': doc.key });
      patchDoc(userId, liveblogId, doc.key, { id: e.id, revision: e.revision, saved: textKey(textOfEntry(e)), notice: undefined, refused: undefined });
      onServerDraft(doc.key, e.id, e.revision);
    } else {
      patchDoc(userId, liveblogId, doc.key, { attempt: sent });
      const e = await api<Entry>('PATCH', `${base}/${doc.id}`, { ...inputOf(doc), revision: doc.revision });
      patchDoc(userId, liveblogId, doc.key, { revision: e.revision, saved: sent, notice: undefined, refused: undefined });
      onServerDraft(doc.key, e.id, e.revision);
    }
  } catch (err) {
    if (!(err instanceof ApiError) || err instanceof StaleSession || err.status >= 500 || err.status === 429 || err.status === 401) throw err;
    const current = err.problem.current as Entry | undefined;
    if (err.status === 409 && current?.status === 'draft') {
      // Our own earlier save whose answer was lost looks like this too: same text, nothing to choose.
      if (textKey(textOfEntry(current)) === sent) {
        patchDoc(userId, liveblogId, doc.key, { revision: current.revision, saved: sent });
        onServerDraft(doc.key, current.id, current.revision);
      } else patchDoc(userId, liveblogId, doc.key, { conflict: current });
    } else if (err.status === 404 || (err.status === 409 && current)) {
      // Discarded or published from another device: what is typed here becomes a new draft.
      const { key } = freshDoc();
      patchDoc(userId, liveblogId, doc.key, {
        key,
        id: undefined,
        revision: undefined,
        createdWith: undefined,
        saved: undefined,
        notice: err.status === 404 ? 'This draft was discarded elsewhere; your text is kept as a new draft.' : 'This draft was published elsewhere; your text is kept as a new draft.',
      });
    } else {
      // Refused (e.g. too long): say so and wait for the next keystroke rather than retry in a loop.
      patchDoc(userId, liveblogId, doc.key, { refused: sent, notice: `Draft not saved: ${err.message}` });
    }
  }
  return true;
}
