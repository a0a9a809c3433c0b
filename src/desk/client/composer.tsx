/**
 * The composer: headline and Markdown body with a live preview (the server's own
 * renderer), key-event and pin toggles. Ctrl/Cmd+Enter publishes through the outbox and
 * hands back an empty composer with the cursor in the body, ready for the next line.
 * What is typed is kept on this device as it is typed (draft-store.ts) and saved as a
 * server draft once typing pauses (draft-sync.ts), so another device can resume it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';
import { enqueue, flush, items, subscribe, type DraftLink } from './outbox.ts';
import { SAVE_AFTER_MS } from './draft-sync.ts';
import { freshDoc, hasText, inputOf, isSaved, loadDoc, saveDoc, subscribeDrafts, textOf, writeText, type DraftDoc, type DraftText } from './draft-store.ts';
import { DraftStatus } from './draft-status.tsx';
import { OutboxList } from './outbox-list.tsx';
import { isEditor, type Me } from './types.ts';

function usePreview(body: string, online: boolean): string | null {
  const [html, setHtml] = useState<string | null>('');
  useEffect(() => {
    if (!body.trim()) return setHtml('');
    if (!online) return setHtml(null);
    const t = setTimeout(() => {
      api<{ html: string }>('POST', '/api/v1/preview', { body })
        .then((r) => setHtml(r.html))
        .catch(() => setHtml(null));
    }, 250);
    return () => clearTimeout(t);
  }, [body, online]);
  return html;
}

/** What a queued item needs to publish this draft rather than create another entry. */
export function linkOf(doc: DraftDoc): DraftLink | undefined {
  if (doc.id) return { key: doc.key, id: doc.id, revision: doc.conflict?.revision ?? doc.revision, attempt: doc.attempt };
  if (doc.createdWith) return { key: doc.key, create: doc.createdWith, attempt: doc.attempt };
  return undefined;
}

/** Hands the composer's text to the outbox (as a publish, or as a draft to keep) and starts afresh. */
export function sendDoc(me: Me, liveblogId: string, asDraft: boolean): void {
  const doc = loadDoc(me.id, liveblogId);
  const input = inputOf(doc);
  enqueue(liveblogId, asDraft ? { ...input, status: 'draft' } : input, linkOf(doc));
  saveDoc(me.id, liveblogId, freshDoc());
}

export function Composer({ liveblogId, me, online }: { liveblogId: string; me: Me; online: boolean }) {
  const [doc, setDoc] = useState<DraftDoc>(() => loadDoc(me.id, liveblogId));
  const [outbox, setOutbox] = useState(items().filter((i) => i.liveblogId === liveblogId));
  const [error, setError] = useState('');
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const preview = usePreview(doc.body, online);

  useEffect(() => subscribe(() => setOutbox(items().filter((i) => i.liveblogId === liveblogId))), [liveblogId]);
  // What draft-sync learnt (id, revision, conflict) and what other parts of the desk changed.
  useEffect(() => subscribeDrafts(() => setDoc(loadDoc(me.id, liveblogId))), [liveblogId, me.id]);
  // Debounced autosave: the outbox loop saves once typing has paused.
  useEffect(() => {
    if (!hasText(doc) || isSaved(doc)) return;
    const t = setTimeout(() => void flush(), SAVE_AFTER_MS + 50);
    return () => clearTimeout(t);
  }, [doc.typedAt]);

  // Written to storage in the handler itself: storage always holds at least what is on screen.
  const set = (patch: Partial<DraftText>) => setDoc(writeText(me.id, liveblogId, { ...textOf(doc), ...patch }));
  const publish = (asDraft = false) => {
    if (!hasText(doc)) return setError('Write a headline or a body first.');
    setError('');
    sendDoc(me, liveblogId, asDraft);
    bodyRef.current?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      publish();
    }
  };

  return (
    <section class="card" aria-label="Composer" onKeyDown={onKey}>
      <div class="cols">
        <div>
          <label for="c-headline">Headline (optional)</label>
          <input id="c-headline" type="text" maxLength={300} value={doc.headline} onInput={(e) => set({ headline: e.currentTarget.value })} />
          <label for="c-body">Message (Markdown)</label>
          <textarea id="c-body" ref={bodyRef} maxLength={50000} value={doc.body} onInput={(e) => set({ body: e.currentTarget.value })} />
          <div class="row" style="margin-top:.5rem">
            <label class="row" style="margin:0">
              <input type="checkbox" checked={doc.keyEvent} onChange={(e) => set({ keyEvent: e.currentTarget.checked })} /> Key event
            </label>
            {isEditor(me) && (
              <label class="row" style="margin:0">
                <input type="checkbox" checked={doc.pinned} onChange={(e) => set({ pinned: e.currentTarget.checked })} /> Pin
              </label>
            )}
            <span class="grow" />
            <span class="muted">Ctrl/⌘+Enter</span>
            <button onClick={() => publish(true)}>Save as draft</button>
            <button class="primary" onClick={() => publish()}>
              {isEditor(me) ? 'Publish' : 'Submit for review'}
            </button>
          </div>
          <DraftStatus me={me} liveblogId={liveblogId} doc={doc} online={online} />
          {error && <p class="err">{error}</p>}
        </div>
        <div>
          <label>Preview</label>
          <div class="preview" aria-live="off">
            {doc.headline.trim() && <h3>{doc.headline}</h3>}
            {preview === null ? <p class="muted">Preview unavailable offline.</p> : <div dangerouslySetInnerHTML={{ __html: preview }} />}
          </div>
        </div>
      </div>
      <OutboxList items={outbox} />
    </section>
  );
}
