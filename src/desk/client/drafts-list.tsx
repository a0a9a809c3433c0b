/**
 * "Drafts (n)": the signed-in user's own server drafts on this live blog — written here,
 * on another device, or returned by an editor — to resume in the composer or discard.
 * The draft the composer holds right now is not listed: it is in front of the reporter.
 */
import { useEffect } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { sendDoc } from './composer.tsx';
import { docFromEntry, freshDoc, hasText, isSaved, loadDoc, saveDoc } from './draft-store.ts';
import { hhmm, type Entry, type Me } from './types.ts';

/** Opens a server draft in the composer; the composer's unsaved text goes to the outbox as a draft first, so nothing is lost. */
function resume(me: Me, liveblogId: string, e: Entry): void {
  const cur = loadDoc(me.id, liveblogId);
  if (hasText(cur) && !(cur.id && isSaved(cur))) sendDoc(me, liveblogId, true);
  saveDoc(me.id, liveblogId, docFromEntry(e));
  document.getElementById('c-body')?.focus();
}

/**
 * The composer holds a saved draft the server no longer has as a draft (published or
 * discarded on another device): start afresh. Checked on the entry itself, not on the
 * list, so a list fetched before the draft was created never empties the composer.
 */
async function forgetGoneDraft(me: Me, liveblogId: string, listed: Entry[]): Promise<void> {
  const cur = loadDoc(me.id, liveblogId);
  if (!cur.id || !isSaved(cur) || listed.some((e) => e.id === cur.id)) return;
  let gone = false;
  try {
    gone = (await api<Entry>('GET', `/api/v1/liveblogs/${liveblogId}/entries/${cur.id}`)).status !== 'draft';
  } catch (err) {
    gone = err instanceof ApiError && err.status === 404;
  }
  const now = loadDoc(me.id, liveblogId);
  if (gone && now.key === cur.key && isSaved(now)) saveDoc(me.id, liveblogId, { ...freshDoc(), notice: 'Your last draft was published or discarded on another device.' });
}

export function DraftsList({ me, liveblogId, drafts, composing, onChange }: { me: Me; liveblogId: string; drafts: Entry[]; composing: string | undefined; onChange: () => void }) {
  useEffect(() => void forgetGoneDraft(me, liveblogId, drafts), [drafts]);
  const shown = drafts.filter((e) => e.id !== composing);
  if (shown.length === 0) return null;
  const discard = async (e: Entry) => {
    if (!confirm('Discard this draft?')) return;
    await api('DELETE', `/api/v1/liveblogs/${liveblogId}/entries/${e.id}`).catch(() => {});
    onChange();
  };
  return (
    <section class="card" aria-label="My drafts">
      <h2 style="margin-top:0;font-size:1.05rem">Drafts ({shown.length})</h2>
      <ul class="plain draft-list">
        {shown.map((e) => (
          <li key={e.id} class="entry draft-item" data-entry-id={e.id}>
            <div class="row muted">
              <span>saved {hhmm(e.updatedAt)}</span>
              {e.keyEvent && <span class="pill">key event</span>}
            </div>
            {e.headline && <h3>{e.headline}</h3>}
            <div class="body" dangerouslySetInnerHTML={{ __html: e.html }} />
            {e.returnNote && <p class="err">Returned: {e.returnNote}</p>}
            <p class="row">
              <button class="primary" onClick={() => resume(me, liveblogId, e)}>
                Resume
              </button>
              <button class="danger" onClick={() => void discard(e)}>
                Discard
              </button>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
