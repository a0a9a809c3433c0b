/**
 * One entry on the desk: read, toggle key event / pin, edit (with correction note and
 * verification label), delete, and for submissions publish or return. An edit on a
 * stale revision gets a 409 with the current entry: both versions are shown side by
 * side and the editor chooses — never a silent overwrite.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { hhmm, isEditor, type Entry, type Me, type Revision, type Verification } from './types.ts';

interface Edit {
  headline: string;
  body: string;
  correction: string;
  verification: Verification | '';
  verificationNote: string;
  /** The revision this edit started from: a colleague's save meanwhile makes it stale (409). */
  revision: number;
}

/** An entry as readers see it: the server's sanitized HTML, never text put together here. */
function EntryText({ e }: { e: Pick<Entry, 'headline' | 'html'> }) {
  return (
    <>
      {e.headline && <h3>{e.headline}</h3>}
      <div class="body" dangerouslySetInnerHTML={{ __html: e.html }} />
    </>
  );
}

interface Props {
  lbId: string;
  e: Entry;
  me: Me;
  onChange: () => void;
  /** Tells the desk's presence which entry this desk is editing (null: none). */
  onEditing: (id: string | null) => void;
  /** Colleagues editing this entry right now. */
  editors: string[];
}

/** The entry's earlier versions, fetched when opened. */
function History({ url, revision }: { url: string; revision: number }) {
  const [items, setItems] = useState<Revision[] | null>(null);
  const open = (ev: Event) => {
    if ((ev.currentTarget as HTMLDetailsElement).open) api<{ items: Revision[] }>('GET', url).then((r) => setItems(r.items.reverse())).catch(() => setItems([]));
  };
  return (
    <details onToggle={open} key={revision}>
      <summary class="muted">History</summary>
      <ol class="plain">
        {(items ?? []).map((r) => (
          <li key={r.revision}>
            <span class="muted">
              rev {r.revision} · {hhmm(r.editedAt)} · {r.editedBy.name}
              {r.correction && ` · correction: ${r.correction}`}
              {r.verification && ` · ${r.verification}`}
            </span>
            <EntryText e={r} />
          </li>
        ))}
      </ol>
    </details>
  );
}

export function EntryItem({ lbId, e, me, onChange, onEditing, editors }: Props) {
  const [edit, setEditState] = useState<Edit | null>(null);
  const setEdit = (x: Edit | null) => {
    setEditState(x);
    onEditing(x ? e.id : null);
  };
  const [conflict, setConflict] = useState<Entry | null>(null);
  const [error, setError] = useState('');
  const url = `/api/v1/liveblogs/${lbId}/entries/${e.id}`;
  const editor = isEditor(me);
  // Contributors change only their own entries until an editor publishes them (the API says the same).
  const canEdit = editor || (e.author.id === me.id && e.status !== 'published');

  const run = async (fn: () => Promise<unknown>) => {
    setError('');
    try {
      await fn();
      onChange();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.problem.current) setConflict(err.problem.current as Entry);
      else setError((err as Error).message);
    }
  };
  const patch = (body: Record<string, unknown>, revision = e.revision) => run(() => api('PATCH', url, { revision, ...body }));

  const save = (revision: number) => {
    if (!edit) return;
    const body: Record<string, unknown> = { headline: edit.headline.trim() || null, body: edit.body };
    if (edit.correction.trim()) body.correction = edit.correction.trim();
    if (editor && (edit.verification || null) !== e.verification) body.verification = edit.verification || null;
    if (editor && edit.verification && edit.verificationNote !== (e.verificationNote ?? '')) body.verificationNote = edit.verificationNote || null;
    return run(async () => {
      await api('PATCH', url, { revision, ...body });
      setEdit(null);
      setConflict(null);
    });
  };

  const startEdit = () =>
    setEdit({ revision: e.revision, headline: e.headline ?? '', body: e.body, correction: '', verification: e.verification ?? '', verificationNote: e.verificationNote ?? '' });

  return (
    <li class={`entry${conflict ? ' conflict' : ''}`} id={`desk-entry-${e.id}`} data-entry-id={e.id}>
      <div class="row muted">
        <span>{hhmm(e.publishedAt)}</span>
        <span>{e.author.name}</span>
        {e.status !== 'published' && <span class="pill">{e.status}</span>}
        {e.keyEvent && <span class="pill">key event</span>}
        {e.pinned && <span class="pill">pinned</span>}
        {e.verification && <span class={`pill ${e.verification}`}>{e.verification}</span>}
        {e.revision > 1 && <span>rev {e.revision}</span>}
        {editors.length > 0 && <span class="pill queued editing-by">{editors.join(', ')} editing</span>}
      </div>
      {!edit && <EntryText e={e} />}
      {!edit && e.revision > 1 && <History url={`${url}/revisions`} revision={e.revision} />}
      {e.correction && <p class="muted">Correction: {e.correction.note}</p>}
      {e.returnNote && <p class="err">Returned: {e.returnNote}</p>}
      {edit && (
        <div
          class="edit"
          onKeyDown={(ev) => {
            if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && !conflict) {
              ev.preventDefault();
              void save(edit.revision);
            }
          }}
        >
          <label>Headline</label>
          <input type="text" class="edit-headline" value={edit.headline} onInput={(ev) => setEdit({ ...edit, headline: ev.currentTarget.value })} />
          <label>Message</label>
          <textarea class="edit-body" value={edit.body} onInput={(ev) => setEdit({ ...edit, body: ev.currentTarget.value })} />
          {editor && e.status === 'published' && (
            <>
              <label>Correction note (leave empty for a silent fix of a typo)</label>
              <input type="text" class="edit-correction" maxLength={500} value={edit.correction} onInput={(ev) => setEdit({ ...edit, correction: ev.currentTarget.value })} />
            </>
          )}
          {editor && (
            <div class="row">
              <label class="grow">
                Verification
                <select value={edit.verification} onChange={(ev) => setEdit({ ...edit, verification: ev.currentTarget.value as Verification | '' })}>
                  <option value="">none</option>
                  <option value="unconfirmed">unconfirmed</option>
                  <option value="confirmed">confirmed</option>
                  <option value="retracted">retracted</option>
                </select>
              </label>
              <label class="grow">
                Note
                <input type="text" maxLength={500} value={edit.verificationNote} onInput={(ev) => setEdit({ ...edit, verificationNote: ev.currentTarget.value })} />
              </label>
            </div>
          )}
          {!conflict && (
            <p class="row">
              <button class="primary save" onClick={() => save(edit.revision)}>
                Save
              </button>
              <button onClick={() => setEdit(null)}>Cancel</button>
            </p>
          )}
        </div>
      )}
      {conflict && (
        <div role="alert" class="conflict-view">
          <p class="err">
            <strong>Conflict:</strong> {conflict.author.name}'s entry was changed by someone else while you edited it (now revision {conflict.revision}).
          </p>
          <div class="cols">
            <div>
              <h4>Your version</h4>
              {/* Unsaved text has no server HTML yet: shown as the text it is, never as markup. */}
              {edit && (
                <>
                  {edit.headline && <h3>{edit.headline}</h3>}
                  <pre class="mine" style="white-space:pre-wrap;font:inherit;margin:0">
                    {edit.body}
                  </pre>
                </>
              )}
            </div>
            <div class="theirs">
              <h4>Current version</h4>
              <EntryText e={conflict} />
            </div>
          </div>
          <p class="row">
            <button class="danger" onClick={() => save(conflict.revision)}>
              Replace theirs with mine
            </button>
            <button
              onClick={() => {
                setConflict(null);
                setEdit(null);
                onChange();
              }}
            >
              Keep theirs
            </button>
          </p>
        </div>
      )}
      {error && <p class="err">{error}</p>}
      {!edit && canEdit && (
        <p class="row">
          <button onClick={startEdit}>Edit</button>
          {editor && e.status !== 'published' && (
            <button class="primary" onClick={() => patch({ status: 'published' })}>
              Publish
            </button>
          )}
          {editor && e.status === 'submitted' && (
            <button
              onClick={() => {
                const note = prompt('Why is it going back to the reporter?');
                if (note?.trim()) void run(() => api('POST', `${url}/return`, { note, revision: e.revision }));
              }}
            >
              Return…
            </button>
          )}
          {!editor && e.status === 'draft' && <button onClick={() => patch({ status: 'submitted' })}>Submit</button>}
          <button aria-pressed={e.keyEvent} onClick={() => patch({ keyEvent: !e.keyEvent })}>
            {e.keyEvent ? 'Unmark key event' : 'Key event'}
          </button>
          {editor && (
            <button aria-pressed={e.pinned} onClick={() => patch({ pinned: !e.pinned })}>
              {e.pinned ? 'Unpin' : 'Pin'}
            </button>
          )}
          <button class="danger" onClick={() => confirm('Delete this entry for every reader?') && run(() => api('DELETE', url))}>
            Delete
          </button>
        </p>
      )}
    </li>
  );
}
