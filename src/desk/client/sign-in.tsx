/** The sign-in form: POST /api/v1/session, then the desk. */
import { useState } from 'preact/hooks';
import { api, rememberSession } from './api.ts';
import type { Me } from './types.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const s = await api<{ user: Me; csrfToken: string }>('POST', '/api/v1/session', { email, password });
      rememberSession(s.user, s.csrfToken);
      onSignedIn(s.user);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main style="max-width:24rem;margin:10vh auto">
      <form class="card" onSubmit={submit}>
        <h1 style="margin-top:0;font-size:1.3rem">Unfold desk</h1>
        <label for="email">Email</label>
        <input id="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="password">Password</label>
        <input id="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {error && <p class="err" role="alert">{error}</p>}
        <p>
          <button class="primary" type="submit" disabled={busy}>
            Sign in
          </button>
        </p>
      </form>
    </main>
  );
}
