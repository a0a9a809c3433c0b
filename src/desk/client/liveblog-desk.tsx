/**
 * One live blog on the desk: its title, lead and description, going live and ending,
 * the composer, and its entries — submissions and one's own drafts first, then what
 * readers see (newest 100, older ones on request). The live stream keeps the list
 * current when colleagues publish from other desks; the presence beat (every 5 s) when they
 * submit or change a draft, which readers never see.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';
import { cached, keep } from './cache.ts';
import { Composer } from './composer.tsx';
import { DraftsList } from './drafts-list.tsx';
import { loadDoc, subscribeDrafts } from './draft-store.ts';
import { EntryItem } from './entry-item.tsx';
import { subscribe } from './outbox.ts';
import { usePresence } from './presence.ts';
import { isEditor, type Entry, type Liveblog, type Me } from './types.ts';

interface Lists {
  published: Entry[];
  /** Cursor for the published entries past the first page (null: none). */
  next?: string | null;
  submitted: Entry[];
  draft: Entry[];
}

interface Page {
  items: Entry[];
  next: string | null;
}

const PAGE = 100;

/** How the lists keep step with the presence beat's fingerprint of the queues (presence.ts). */
interface QueueSync {
  /** Before each reload that no presence beat asked for. */
  sync(): Promise<void>;
  /** The lists failed to load after the fingerprint was taken: the next beat must reload them. */
  stale(): void;
}

function useEntries(id: string, me: Me, onLiveblog: (lb: Liveblog) => void, queue: QueueSync) {
  const [lists, setLists] = useState<Lists>(cached<Lists>(me.id, `entries:${id}`) ?? { published: [], submitted: [], draft: [] });
  // Older published entries the editor asked for; kept across refreshes of the first page.
  const [older, setOlder] = useState<Page | null>(null);
  const url = (q: string) => `/api/v1/liveblogs/${id}/entries?limit=${PAGE}&${q}`;
  // Reloads overlap (a beat's, the stream's, the desk's own); an older one answering last
  // must not replace newer lists.
  const started = useRef(0);
  const shown = useRef(0);
  /** `synced`: the presence beat that asked for this reload took the queues' fingerprint already. */
  const reload = async (synced: boolean) => {
    const get = (q: string) => api<Page>('GET', url(q));
    const seq = ++started.current;
    try {
      if (!synced) await queue.sync();
      const staff = me.role !== 'moderator';
      const none: Page = { items: [], next: null };
      const [published, submitted, draft] = await Promise.all([
        get('status=published'),
        staff ? get('status=submitted') : none,
        staff ? get(`status=draft&author=${me.id}`) : none,
      ]);
      if (seq < shown.current) return;
      shown.current = seq;
      const next = { published: published.items, next: published.next, submitted: submitted.items, draft: draft.items };
      setLists(next);
      keep(me.id, `entries:${id}`, next);
    } catch {
      // Offline or momentarily failing: keep showing what we had, and let the next beat retry.
      queue.stale();
    }
  };
  const load = () => reload(false);
  const loadMore = async () => {
    const cursor = older ? older.next : lists.next;
    if (!cursor) return;
    const page = await api<Page>('GET', url(`status=published&before=${encodeURIComponent(cursor)}`));
    setOlder((cur) => ({ items: [...(cur?.items ?? []), ...page.items], next: page.next }));
  };
  const first = new Set(lists.published.map((e) => e.id));
  const published = older ? [...lists.published, ...older.items.filter((e) => !first.has(e.id))] : lists.published;
  const more = older ? older.next !== null : Boolean(lists.next);
  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    let reopen: ReturnType<typeof setTimeout> | null = null;
    let lastReset = 0;
    const soon = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(load, 150);
    };
    let es: EventSource;
    const open = () => {
      es = new EventSource(`/api/v1/liveblogs/${id}/stream`);
      for (const ev of ['entry.published', 'entry.updated', 'entry.deleted']) es.addEventListener(ev, soon);
      // An older entry deleted elsewhere leaves the pages loaded on request too.
      es.addEventListener('entry.deleted', (m) => {
        const gone = JSON.parse((m as MessageEvent).data).entry?.id;
        setOlder((cur) => (cur ? { ...cur, items: cur.items.filter((e) => e.id !== gone) } : cur));
      });
      // Another desk renamed, started or ended the live blog.
      es.addEventListener('liveblog.updated', (m) => onLiveblog(JSON.parse((m as MessageEvent).data).liveblog));
      // The server cannot replay from our Last-Event-ID (log pruned, database restored): the
      // browser's own reconnect would resend that id and be reset again, forever. Reload
      // what is shown instead, and start a new stream (no Last-Event-ID) from now.
      es.addEventListener('reset', () => {
        es.close();
        setOlder(null);
        void load();
        api<Liveblog>('GET', `/api/v1/liveblogs/${id}`).then(onLiveblog, () => {});
        // A fresh stream should never be reset; if it is, do not spin.
        const wait = Date.now() - lastReset < 10_000 ? 5000 : 0;
        lastReset = Date.now();
        reopen = setTimeout(open, wait);
      });
    };
    open();
    const off = subscribe(soon);
    return () => {
      es.close();
      off();
      if (timer) clearTimeout(timer);
      if (reopen) clearTimeout(reopen);
    };
  }, [id]);
  return { lists, published, more, load, loadMore, reloadSynced: () => reload(true) };
}

/** The id of the server draft the composer holds, if any (it is not listed among the drafts). */
function useComposing(me: Me, liveblogId: string): string | undefined {
  const [composing, setComposing] = useState(loadDoc(me.id, liveblogId).id);
  useEffect(() => subscribeDrafts(() => setComposing(loadDoc(me.id, liveblogId).id)), [liveblogId, me.id]);
  return composing;
}

function Header({ lb, me, onSaved }: { lb: Liveblog; me: Me; onSaved: (lb: Liveblog) => void }) {
  const [f, setF] = useState({ title: lb.title, lead: lb.lead, description: lb.description });
  const [msg, setMsg] = useState('');
  useEffect(() => setF({ title: lb.title, lead: lb.lead, description: lb.description }), [lb.id, lb.updatedAt]);
  const change = async (body: Record<string, unknown>) => {
    setMsg('');
    try {
      onSaved(await api<Liveblog>('PATCH', `/api/v1/liveblogs/${lb.id}`, body));
      setMsg('Saved.');
    } catch (err) {
      setMsg((err as Error).message);
    }
  };
  const editor = isEditor(me);
  return (
    <section class="card" aria-label="Live blog">
      <div class="row">
        <h2 class="grow" style="margin:0;font-size:1.2rem">{lb.title}</h2>
        <span class={`pill ${lb.status === 'live' ? 'sent' : ''}`} id="lb-status">
          {lb.status}
        </span>
        <a href={lb.url} target="_blank" rel="noopener">
          Open reader page
        </a>
        {editor && lb.status !== 'live' && (
          <button class="primary" onClick={() => change({ status: 'live' })}>
            Go live
          </button>
        )}
        {editor && lb.status === 'live' && <button onClick={() => confirm('End this live blog?') && change({ status: 'ended' })}>End</button>}
      </div>
      {editor && (
        <details>
          <summary>Title, lead and description</summary>
          <label for="lb-title">Title</label>
          <input id="lb-title" type="text" value={f.title} onInput={(e) => setF({ ...f, title: e.currentTarget.value })} />
          <label for="lb-lead">Lead</label>
          <input id="lb-lead" type="text" value={f.lead} onInput={(e) => setF({ ...f, lead: e.currentTarget.value })} />
          <label for="lb-description">Description</label>
          <textarea id="lb-description" value={f.description} onInput={(e) => setF({ ...f, description: e.currentTarget.value })} />
          <p class="row">
            <button onClick={() => change(f)}>Save</button> <span class="muted">{msg}</span>
          </p>
        </details>
      )}
    </section>
  );
}

export function LiveblogDesk({ id, me, online }: { id: string; me: Me; online: boolean }) {
  const [lb, setLb] = useState<Liveblog | null>(cached<Liveblog>(me.id, `lb:${id}`));
  const [error, setError] = useState('');
  // usePresence comes after (it needs the lists' reload); the lists reach it through this ref.
  const presenceRef = useRef<QueueSync | null>(null);
  const queue: QueueSync = { sync: () => presenceRef.current?.sync() ?? Promise.resolve(), stale: () => presenceRef.current?.stale() };
  const { lists, published, more, load, loadMore, reloadSynced } = useEntries(id, me, (x) => saved(x), queue);
  const composing = useComposing(me, id);
  const [moreError, setMoreError] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  // A colleague's submission or draft edit reaches this desk with the next presence beat.
  const presence = usePresence(id, editing, online && me.role !== 'moderator', () => void reloadSynced());
  presenceRef.current = presence;
  const { members } = presence;
  const editorsOf = (entryId: string) => members.filter((m) => m.editing === entryId && m.user.id !== me.id).map((m) => m.user.name);
  const saved = (x: Liveblog) => {
    setLb(x);
    keep(me.id, `lb:${id}`, x);
  };
  useEffect(() => {
    api<Liveblog>('GET', `/api/v1/liveblogs/${id}`)
      .then(saved)
      .catch((e) => setError((e as Error).message));
  }, [id, online]);

  if (!lb) return <p class={error ? 'err' : 'muted'}>{error || 'Loading…'}</p>;
  const section = (title: string, list: Entry[], cls: string) =>
    list.length > 0 && (
      <section class="card">
        <h2 style="margin-top:0;font-size:1.05rem">
          {title} ({list.length})
        </h2>
        <ul class={`plain ${cls}`}>
          {list.map((e) => (
            <EntryItem key={e.id} lbId={id} e={e} me={me} onChange={load} onEditing={setEditing} editors={editorsOf(e.id)} />
          ))}
        </ul>
      </section>
    );
  return (
    <>
      <Header lb={lb} me={me} onSaved={saved} />
      {members.length > 0 && (
        <p class="muted" id="desk-presence" aria-live="polite">
          On this desk: {members.map((m) => m.user.name + (m.user.id === me.id ? ' (you)' : '')).join(', ')}
        </p>
      )}
      {me.role !== 'moderator' && <Composer liveblogId={id} me={me} online={online} />}
      {section(isEditor(me) ? 'Submissions waiting' : 'My submissions', lists.submitted, 'submitted-list')}
      {me.role !== 'moderator' && <DraftsList me={me} liveblogId={id} drafts={lists.draft} composing={composing} onChange={load} />}
      <section class="card">
        <h2 style="margin-top:0;font-size:1.05rem">Published</h2>
        <ul class="plain published-list">
          {published.map((e) => (
            <EntryItem key={e.id} lbId={id} e={e} me={me} onChange={load} onEditing={setEditing} editors={editorsOf(e.id)} />
          ))}
          {published.length === 0 && <li class="muted">Nothing published yet.</li>}
        </ul>
        {more && (
          <p class="row">
            <button class="load-more" onClick={() => loadMore().then(() => setMoreError('')).catch((e) => setMoreError((e as Error).message))}>
              Load older entries
            </button>
            {moreError && <span class="err">{moreError}</span>}
          </p>
        )}
      </section>
    </>
  );
}
