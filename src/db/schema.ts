/**
 * The Kysely table types. Times are ISO 8601 strings in UTC on both databases (they
 * sort as text, and the same value round-trips through SQLite and PostgreSQL);
 * booleans are 0/1 integers for the same reason.
 */
import type { Generated } from 'kysely';

export interface LiveblogTable {
  id: string;
  slug: string;
  title: string;
  lead: string;
  description: string;
  status: 'draft' | 'live' | 'ended';
  language: string;
  started_at: string | null;
  ended_at: string | null;
  audio_stream_url: string | null;
  comments_mode: 'open' | 'premoderated' | 'closed';
  /** The change cursor: bumped inside every writing transaction of this live blog. */
  cursor: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface EntryTable {
  id: string;
  liveblog_id: string;
  headline: string | null;
  body: string;
  html: string;
  key_event: number;
  pinned: number;
  status: 'published' | 'draft' | 'submitted';
  author_id: string;
  published_at: string;
  created_at: string;
  updated_at: string;
  revision: number;
  verification: Verification | null;
  verification_note: string | null;
  /** The latest correction's note and time (each revision keeps its own note). */
  correction_note: string | null;
  correction_at: string | null;
  /** Why an editor sent a submission back to its contributor. */
  return_note: string | null;
  /** Who made the current revision; null means the author. */
  edited_by: string | null;
}

export type Verification = 'unconfirmed' | 'confirmed' | 'retracted';

/** An earlier revision of an entry, as it was, with who made it and when. */
export interface EntryRevisionTable {
  entry_id: string;
  revision: number;
  headline: string | null;
  body: string;
  html: string;
  edited_by: string;
  edited_at: string;
  /** Set when this revision was marked as a correction, with its note. */
  correction: string | null;
  verification: Verification | null;
  verification_note: string | null;
  status: EntryTable['status'] | null;
}

export interface ChangeTable {
  liveblog_id: string;
  cursor: number;
  event: string;
  /** The SSE data line, JSON, serialized once at write time. */
  payload: string;
  /** The entry the change is about, if any (for redaction when it is deleted). */
  entry_id: string | null;
  created_at: string;
}

export interface IdempotencyTable {
  user_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'editor' | 'contributor' | 'moderator' | 'reader';
  password_hash: string | null;
  disabled: number;
  created_at: string;
}

export interface TokenTable {
  id: string;
  user_id: string;
  label: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SessionTable {
  /** SHA-256 of the cookie's secret: a stolen database does not yield live sessions. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface Database {
  liveblogs: LiveblogTable;
  entries: EntryTable;
  entry_revisions: EntryRevisionTable;
  changes: ChangeTable;
  idempotency_keys: IdempotencyTable;
  users: UserTable;
  tokens: TokenTable;
  sessions: SessionTable;
}

export type { Generated };
