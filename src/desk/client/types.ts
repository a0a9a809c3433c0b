/** The API shapes the desk reads (see API.md). */
export interface Me {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'editor' | 'contributor' | 'moderator' | 'reader';
}

export interface Liveblog {
  id: string;
  slug: string;
  title: string;
  lead: string;
  description: string;
  status: 'draft' | 'live' | 'ended';
  url: string;
  updatedAt: string;
}

export type Verification = 'unconfirmed' | 'confirmed' | 'retracted';

export interface Entry {
  id: string;
  liveblogId: string;
  headline: string | null;
  body: string;
  html: string;
  keyEvent: boolean;
  pinned: boolean;
  status: 'published' | 'draft' | 'submitted';
  author: { id: string; name: string };
  publishedAt: string;
  updatedAt: string;
  revision: number;
  url: string;
  verification: Verification | null;
  verificationNote: string | null;
  correction: { note: string; at: string } | null;
  returnNote: string | null;
}

export const isEditor = (me: Me | null) => me?.role === 'admin' || me?.role === 'editor';

/** HH:MM, 24-hour, in the desk's local time: how newsrooms stamp messages. */
export const hhmm = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
