/**
 * The desk's one door to the API: same-origin cookie, the session's CSRF token on every
 * unsafe request, problem+json turned into ApiError. A network failure stays a
 * TypeError-like NetworkError, so callers can tell "offline" from "refused".
 *
 * The token this tab holds can be missing (the desk was opened offline in a new tab) or
 * stale (someone signed in again in another tab: a new session, a new token). Rather than
 * failing every queued entry until a reload, an unsafe request without a token, or one
 * answered 403, asks GET /api/v1/session for the current token and is retried once.
 */
import type { Me } from './types.ts';

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Record<string, any>) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

/** A 403 for a CSRF token that changed again while we retried: not a refusal, try later. */
export class StaleSession extends ApiError {}

export class NetworkError extends Error {}

const CSRF_KEY = 'unfold:csrf';
const ME_KEY = 'unfold:me';
// sessionStorage: the token survives a reload of this tab (offline too) but not the tab itself.
let csrf: string | null = sessionStorage.getItem(CSRF_KEY);
/** Whom this tab works for: a session that turned out to be someone else's is never used for them. */
let tabUser: string | null = null;

export function rememberSession(me: Me | null, token: string | null): void {
  csrf = token;
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
  rememberUser(me);
}

/** Who this tab works for (offline: the last known user, token unknown until the network returns). */
export function rememberUser(me: Me | null): void {
  tabUser = me?.id ?? null;
  if (me) localStorage.setItem(ME_KEY, JSON.stringify(me));
  else localStorage.removeItem(ME_KEY);
}

/** Who was signed in last time, for a desk opened without a connection. */
export function lastKnownMe(): Me | null {
  try {
    return JSON.parse(localStorage.getItem(ME_KEY) || 'null');
  } catch {
    return null;
  }
}

const UNSAFE_WITHOUT_TOKEN = new Set(['POST /api/v1/session']);

let refreshing: Promise<void> | null = null;

/**
 * Learns the session's current token. Signed out, or signed in as someone else meanwhile
 * (another tab): a 401, so nothing is sent in another person's name and the desk asks who
 * is there (desk.tsx listens for unfold:signed-out).
 */
function refreshToken(): Promise<void> {
  refreshing ??= (async () => {
    try {
      const s = await send<{ user: Me | null; csrfToken: string | null }>('GET', '/api/v1/session', undefined, {});
      if (!s.user || !s.csrfToken || (tabUser && s.user.id !== tabUser)) {
        throw new ApiError(401, { detail: s.user ? `Signed in as ${s.user.name} in another tab` : 'Signed out' });
      }
      csrf = s.csrfToken;
      sessionStorage.setItem(CSRF_KEY, s.csrfToken);
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function send<T>(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) h['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new NetworkError((e as Error).message || 'offline');
  }
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data);
  return data as T;
}

export async function api<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const unsafe = method !== 'GET' && method !== 'HEAD' && !UNSAFE_WITHOUT_TOKEN.has(`${method} ${path}`);
  if (unsafe && !csrf) await refreshToken();
  const sent = csrf;
  try {
    return await send<T>(method, path, body, headers);
  } catch (err) {
    // A 403 is either a real refusal (role, ownership) or a token the session no longer has:
    // only a token that changed says which, so the refusal is thrown as it came.
    if (!unsafe || !(err instanceof ApiError) || err.status !== 403) throw err;
    await refreshToken();
    if (csrf === sent) throw err;
    try {
      return await send<T>(method, path, body, headers);
    } catch (again) {
      if (!(again instanceof ApiError) || again.status !== 403) throw again;
      const tried = csrf;
      await refreshToken();
      // Changed yet again (a sign-in race): not a refusal of this request; the caller may retry later.
      throw csrf === tried ? again : new StaleSession(403, again.problem);
    }
  }
}
