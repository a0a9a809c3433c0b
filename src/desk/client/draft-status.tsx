/**
 * Under the composer: whether its text is saved as a server draft yet, and when a save
 * met an edit made on another device, both versions and the choice — the text typed
 * here is never dropped without the reporter saying so.
 */
import { flush } from './outbox.ts';
import { hasText, isSaved, saveDoc, textKey, textOfEntry, type DraftDoc } from './draft-store.ts';
import type { Me } from './types.ts';

export function DraftStatus({ me, liveblogId, doc, online }: { me: Me; liveblogId: string; doc: DraftDoc; online: boolean }) {
  const put = (next: DraftDoc) => {
    saveDoc(me.id, liveblogId, next);
    void flush();
  };
  if (doc.conflict) {
    const theirs = doc.conflict;
    return (
      <div role="alert" class="conflict draft-conflict" style="margin-top:.5rem">
        <p class="err" style="margin-top:0">
          This draft was changed on another device. Your text stays in the composer; theirs is:
        </p>
        <div class="theirs">
          {theirs.headline && <strong>{theirs.headline}</strong>}
          <p style="white-space:pre-wrap;margin:.3rem 0">{theirs.body}</p>
        </div>
        <p class="row" style="margin-bottom:0">
          <button onClick={() => put({ ...doc, revision: theirs.revision, conflict: undefined, typedAt: 0 })}>Keep mine</button>
          <button
            onClick={() => {
              const text = textOfEntry(theirs);
              put({ ...doc, ...text, revision: theirs.revision, saved: textKey(text), conflict: undefined });
            }}
          >
            Use theirs
          </button>
        </p>
      </div>
    );
  }
  const state = !hasText(doc) ? 'empty' : isSaved(doc) ? 'saved' : online ? 'saving' : 'offline';
  const label = { empty: '', saved: 'Draft saved', saving: 'Saving draft…', offline: 'Offline: kept on this device, saved as a draft when the connection returns' }[state];
  return (
    <p class="muted draft-state" data-state={state} aria-live="polite" style="margin:.3rem 0 0;min-height:1.2em;font-size:.85rem">
      {doc.notice ? `${doc.notice} ` : ''}
      {label}
    </p>
  );
}
