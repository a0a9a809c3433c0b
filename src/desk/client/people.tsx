/** Admins: the newsroom's accounts — add, change role, disable. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import type { Me } from './types.ts';

interface Person extends Me {
  disabled: boolean;
  createdAt: string;
}
const ROLES = ['admin', 'editor', 'contributor', 'moderator'] as const;

export function People({ me }: { me: Me }) {
  const [people, setPeople] = useState<Person[]>([]);
  const [f, setF] = useState({ email: '', name: '', role: 'contributor', password: '' });
  const [msg, setMsg] = useState('');
  const load = () => api<{ items: Person[] }>('GET', '/api/v1/users').then((r) => setPeople(r.items.filter((p) => p.role !== 'reader')));
  useEffect(() => void load().catch((e) => setMsg(e.message)), []);
  const act = async (fn: () => Promise<unknown>) => {
    setMsg('');
    try {
      await fn();
      await load();
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  const add = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      await api('POST', '/api/v1/users', f);
      setF({ email: '', name: '', role: 'contributor', password: '' });
    });
  };
  return (
    <>
      <section class="card">
        <h2 style="margin-top:0;font-size:1.1rem">People</h2>
        {msg && <p class="err">{msg}</p>}
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.id} class={p.disabled ? 'muted' : ''}>
                <td>{p.name}</td>
                <td>{p.email}</td>
                <td>
                  <select value={p.role} disabled={p.id === me.id} onChange={(e) => act(() => api('PATCH', `/api/v1/users/${p.id}`, { role: e.currentTarget.value }))}>
                    {ROLES.map((r) => (
                      <option value={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>
                  {p.id !== me.id && (
                    <button onClick={() => act(() => api('PATCH', `/api/v1/users/${p.id}`, { disabled: !p.disabled }))}>{p.disabled ? 'Enable' : 'Disable'}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <form class="card" onSubmit={add}>
        <h2 style="margin-top:0;font-size:1.1rem">Add a person</h2>
        <label>Name</label>
        <input type="text" required value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} />
        <label>Email</label>
        <input type="email" required value={f.email} onInput={(e) => setF({ ...f, email: e.currentTarget.value })} />
        <label>Role</label>
        <select value={f.role} onChange={(e) => setF({ ...f, role: e.currentTarget.value })}>
          {ROLES.map((r) => (
            <option value={r}>{r}</option>
          ))}
        </select>
        <label>Initial password (at least 8 characters)</label>
        <input type="password" required minLength={8} autocomplete="new-password" value={f.password} onInput={(e) => setF({ ...f, password: e.currentTarget.value })} />
        <p>
          <button class="primary" type="submit">
            Add
          </button>
        </p>
      </form>
    </>
  );
}
