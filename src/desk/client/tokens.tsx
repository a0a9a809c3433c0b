/** The signed-in user's API tokens: a new one is shown once; revoking stops it at once. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';

interface TokenInfo {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

export function Tokens() {
  const [list, setList] = useState<TokenInfo[]>([]);
  const [label, setLabel] = useState('');
  const [fresh, setFresh] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const load = () => api<{ items: TokenInfo[] }>('GET', '/api/v1/tokens').then((r) => setList(r.items));
  useEffect(() => void load().catch((e) => setMsg(e.message)), []);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const t = await api<{ token: string }>('POST', '/api/v1/tokens', { label });
      setFresh(t.token);
      setLabel('');
      await load();
    } catch (err) {
      setMsg((err as Error).message);
    }
  };
  return (
    <section class="card">
      <h2 style="margin-top:0;font-size:1.1rem">API tokens</h2>
      {fresh && (
        <div role="status">
          <p>Copy this token now: it will not be shown again.</p>
          <code class="secret">{fresh}</code>
        </div>
      )}
      {msg && <p class="err">{msg}</p>}
      <form class="row" onSubmit={create}>
        <input type="text" class="grow" placeholder="Label, e.g. wire importer" required maxLength={200} value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        <button class="primary" type="submit">
          Create token
        </button>
      </form>
      <table>
        <thead>
          <tr>
            <th>Label</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((t) => (
            <tr key={t.id} class={t.revokedAt ? 'muted' : ''}>
              <td>{t.label}</td>
              <td>{when(t.createdAt)}</td>
              <td>{when(t.lastUsedAt)}</td>
              <td>{t.revokedAt ? 'revoked' : <button class="danger" onClick={() => api('DELETE', `/api/v1/tokens/${t.id}`).then(load)}>Revoke</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
