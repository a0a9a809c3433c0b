/** The live blogs on the desk, newest first, and the form that starts a new one. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { cached, keep } from './cache.ts';
import { isEditor, type Liveblog, type Me } from './types.ts';

export function LiveblogList({ me }: { me: Me }) {
  const [items, setItems] = useState<Liveblog[]>(cached<Liveblog[]>(me.id, 'liveblogs') ?? []);
  const [title, setTitle] = useState('');
  const [lead, setLead] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState('');

  const load = () =>
    api<{ items: Liveblog[] }>('GET', '/api/v1/liveblogs?limit=100')
      .then((r) => {
        setItems(r.items);
        keep(me.id, 'liveblogs', r.items);
      })
      .catch(() => {});
  useEffect(() => void load(), []);

  const create = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      const lb = await api<Liveblog>('POST', '/api/v1/liveblogs', { title, lead, description });
      location.hash = `#/lb/${lb.id}`;
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <>
      {isEditor(me) && (
        <form class="card" onSubmit={create} aria-label="New live blog">
          <h2 style="margin-top:0;font-size:1.1rem">New live blog</h2>
          <label for="new-title">Title</label>
          <input id="new-title" type="text" required maxLength={300} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          <label for="new-lead">Lead</label>
          <input id="new-lead" type="text" maxLength={2000} value={lead} onInput={(e) => setLead(e.currentTarget.value)} />
          <label for="new-description">Description</label>
          <textarea id="new-description" maxLength={10000} style="min-height:4rem" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          {error && <p class="err">{error}</p>}
          <p>
            <button class="primary" type="submit">
              Create live blog
            </button>
          </p>
        </form>
      )}
      <section class="card">
        <h2 style="margin-top:0;font-size:1.1rem">Live blogs</h2>
        <ul class="plain">
          {items.map((lb) => (
            <li key={lb.id} class="row">
              <a class="grow" href={`#/lb/${lb.id}`}>
                {lb.title}
              </a>
              <span class={`pill ${lb.status === 'live' ? 'sent' : ''}`}>{lb.status}</span>
              <a href={lb.url} target="_blank" rel="noopener">
                reader page
              </a>
            </li>
          ))}
          {items.length === 0 && <li class="muted">No live blogs yet.</li>}
        </ul>
      </section>
    </>
  );
}
