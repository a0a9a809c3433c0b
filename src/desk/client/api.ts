/**
 * The desk's one door to the API: same-origin cookie, the session's CSRF token on every
 * unsafe request, problem+json turned into ApiError. A network failure stays a
 * TypeError-like NetworkError, so callers can tell "offline" from "refused".
 */
import type { Me } from './types.ts';

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Record<string, any>) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

export class NetworkError extends Error {}

const CSRF_KEY = 'unfold:csrf';
const ME_KEY = 'unfold:me';
// sessionStorage: the token survives a reload of this tab (offline too) but not the tab itself.
let csrf: string | null = sessionStorage.getItem(CSRF_KEY);

export function rememberSession(me: Me | null, token: string | null): void {
  csrf = token;
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
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

export async function api<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
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
