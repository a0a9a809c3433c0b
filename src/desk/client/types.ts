/**
 * The API shapes the desk reads (see API.md). Live blogs, entries and revisions are the
 * server's own view types, imported as types only (esbuild erases them), so the desk
 * cannot drift from what the API sends.
 */
import type { Liveblog } from '../../liveblogs/liveblog-view.ts';
import type { Entry } from '../../entries/entry-view.ts';
import type { Revision } from '../../entries/entry-revisions.ts';

export type { Entry, Liveblog, Revision };

export interface Me {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'editor' | 'contributor' | 'moderator' | 'reader';
}

export type Verification = NonNullable<Entry['verification']>;

export const isEditor = (me: Me | null) => me?.role === 'admin' || me?.role === 'editor';

/** HH:MM, 24-hour, in the desk's local time: how newsrooms stamp messages. */
export const hhmm = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
