/**
 * The composer: headline and Markdown body with a live preview (the server's own
 * renderer), key-event and pin toggles. Ctrl/Cmd+Enter publishes through the outbox and
 * hands back an empty composer with the cursor in the body, ready for the next line.
 * What is typed is kept in localStorage as it is typed (a draft that survives a crash).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';
import { enqueue, items, subscribe, discard, retry, type OutboxItem } from './outbox.ts';
import { isEditor, type Me } from './types.ts';

interface Draft {
  headline: string;
  body: string;
  keyEvent: boolean;
  pinned: boolean;
}
const EMPTY: Draft = { headline: '', body: '', keyEvent: false, pinned: false };

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

const LABEL: Record<OutboxItem['state'], string> = { queued: 'queued', sending: 'sending…', sent: 'sent', failed: 'not sent' };

export function Composer({ liveblogId, me, online }: { liveblogId: string; me: Me; online: boolean }) {
  const storeKey = `unfold:compose:${liveblogId}`;
  const [d, setD] = useState<Draft>(() => ({ ...EMPTY, ...JSON.parse(localStorage.getItem(storeKey) || '{}') }));
  const [outbox, setOutbox] = useState(items().filter((i) => i.liveblogId === liveblogId));
  const [error, setError] = useState('');
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const preview = usePreview(d.body, online);

  useEffect(() => subscribe(() => setOutbox(items().filter((i) => i.liveblogId === liveblogId))), [liveblogId]);
  useEffect(() => localStorage.setItem(storeKey, JSON.stringify(d)), [d]);

  const set = (patch: Partial<Draft>) => setD((cur) => ({ ...cur, ...patch }));
  const publish = (asDraft = false) => {
    if (!d.headline.trim() && !d.body.trim()) return setError('Write a headline or a body first.');
    setError('');
    const input = { headline: d.headline.trim() || null, body: d.body, keyEvent: d.keyEvent, pinned: d.pinned };
    enqueue(liveblogId, asDraft ? { ...input, status: 'draft' } : input);
    setD(EMPTY);
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
          <input id="c-headline" type="text" maxLength={300} value={d.headline} onInput={(e) => set({ headline: e.currentTarget.value })} />
          <label for="c-body">Message (Markdown)</label>
          <textarea id="c-body" ref={bodyRef} maxLength={50000} value={d.body} onInput={(e) => set({ body: e.currentTarget.value })} />
          <div class="row" style="margin-top:.5rem">
            <label class="row" style="margin:0">
              <input type="checkbox" checked={d.keyEvent} onChange={(e) => set({ keyEvent: e.currentTarget.checked })} /> Key event
            </label>
            {isEditor(me) && (
              <label class="row" style="margin:0">
                <input type="checkbox" checked={d.pinned} onChange={(e) => set({ pinned: e.currentTarget.checked })} /> Pin
              </label>
            )}
            <span class="grow" />
            <span class="muted">Ctrl/⌘+Enter</span>
            <button onClick={() => publish(true)}>Save as draft</button>
            <button class="primary" onClick={() => publish()}>
              {isEditor(me) ? 'Publish' : 'Submit for review'}
            </button>
          </div>
          {error && <p class="err">{error}</p>}
        </div>
        <div>
          <label>Preview</label>
          <div class="preview" aria-live="off">
            {d.headline.trim() && <h3>{d.headline}</h3>}
            {preview === null ? <p class="muted">Preview unavailable offline.</p> : <div dangerouslySetInnerHTML={{ __html: preview }} />}
          </div>
        </div>
      </div>
      {outbox.length > 0 && (
        <ul class="plain" aria-label="Outbox" style="margin-top:.6rem">
          {outbox.map((i) => (
            <li key={i.key} class="row outbox-item" data-state={i.state}>
              <span class="grow">
                {i.input.status === 'draft' && <span class="muted">Draft: </span>}
                {i.input.headline || i.input.body.slice(0, 80)}
              </span>
              <span class={`pill ${i.state}`}>{LABEL[i.state]}</span>
              {i.error && <span class="err">{i.error}</span>}
              {i.state === 'failed' && <button onClick={() => retry(i.key)}>Retry</button>}
              {(i.state === 'failed' || i.state === 'sent') && <button onClick={() => discard(i.key)}>Dismiss</button>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
