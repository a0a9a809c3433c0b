/**
 * The newsroom desk: sign in, live blogs, the composer and its outbox, entries, people.
 * Routing is the URL's hash (#/, #/lb/<id>, #/people, #/tokens) so a reload — even
 * offline, through the service worker — reopens the same live blog.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, NetworkError, lastKnownMe, rememberSession, rememberUser } from './api.ts';
import { setOutboxUser, startOutbox } from './outbox.ts';
import { SignIn } from './sign-in.tsx';
import { endSession, finishPendingSignOut, forgetUserOnDevice, keepUnsavedText } from './sign-out.ts';
import { LiveblogList } from './liveblog-list.tsx';
import { LiveblogDesk } from './liveblog-desk.tsx';
import { People } from './people.tsx';
import { Tokens } from './tokens.tsx';
import type { Me } from './types.ts';

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(navigator.onLine);
    addEventListener('online', on);
    addEventListener('offline', on);
    return () => {
      removeEventListener('online', on);
      removeEventListener('offline', on);
    };
  }, []);
  return online;
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const hash = useHash();
  const online = useOnline();

  // Who is signed in: on start, and whenever a request found the session gone or someone
  // else's (signed out elsewhere, or another person signed in in another tab).
  const whoIsThere = () =>
    finishPendingSignOut()
      .then(() => api<{ user: Me | null; csrfToken: string | null }>('GET', '/api/v1/session'))
      .then((s) => {
        rememberSession(s.user, s.csrfToken);
        setMe(s.user);
      })
      .catch((e) => {
        // Offline: keep working as whoever was signed in; the outbox waits for the network
        // (api.ts fetches the token before the first unsafe request).
        if (e instanceof NetworkError) {
          const last = lastKnownMe();
          rememberUser(last);
          setMe(last);
        } else if (e instanceof ApiError && e.status === 401) {
          rememberSession(null, null);
          setMe(null);
        } else setMe(null);
      });
  useEffect(() => void whoIsThere(), []);

  // Whatever waited for this user (a reload, a sign-in) goes now, with its original Idempotency-Key.
  useEffect(() => setOutboxUser(me?.id ?? null), [me?.id]);
  useEffect(() => {
    const out = () => void whoIsThere();
    addEventListener('unfold:signed-out', out);
    // A sign-out made offline ends its session as soon as the network is back.
    const back = () => void finishPendingSignOut();
    addEventListener('online', back);
    return () => {
      removeEventListener('unfold:signed-out', out);
      removeEventListener('online', back);
    };
  }, []);

  if (me === undefined) return <p style="padding:1rem">Loading the desk…</p>;
  if (me === null) {
    return (
      <SignIn
        onSignedIn={(u) => {
          setMe(u);
        }}
      />
    );
  }

  const signOut = async () => {
    keepUnsavedText(me.id);
    await endSession(me.id);
    rememberSession(null, null);
    setMe(null);
    // After the desk is gone: nothing still on screen writes its cache back.
    forgetUserOnDevice(me.id);
  };
  const lb = /^#\/lb\/([A-Za-z0-9_-]+)/.exec(hash);
  return (
    <>
      <header class="top">
        <h1>Unfold desk</h1>
        <nav>
          <a href="#/">Live blogs</a>
          <a href="#/tokens">API tokens</a>
          {me.role === 'admin' && <a href="#/people">People</a>}
        </nav>
        <span class="who">
          {me.name} · {me.role}
        </span>
        <button onClick={signOut}>Sign out</button>
      </header>
      {!online && <div class="banner" role="status">Offline: entries you publish are kept on this device and sent when the connection returns.</div>}
      {/* Keyed by user: nothing one person had on screen (a composer's text) is carried over to the next. */}
      <main key={me.id}>
        {lb ? (
          <LiveblogDesk key={lb[1]} id={lb[1]} me={me} online={online} />
        ) : hash.startsWith('#/people') ? (
          <People me={me} />
        ) : hash.startsWith('#/tokens') ? (
          <Tokens />
        ) : (
          <LiveblogList me={me} />
        )}
      </main>
    </>
  );
}

startOutbox();
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/desk/sw.js', { scope: '/desk' }).catch(() => {});
render(<App />, document.getElementById('desk')!);
