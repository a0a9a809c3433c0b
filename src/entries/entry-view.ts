/** The public JSON shape of an entry (API.md "Entry"). */
import type { EntryTable } from '../db/schema.ts';

export type EntryRow = EntryTable & { author_name: string };

export interface Entry {
  id: string;
  liveblogId: string;
  headline: string | null;
  body: string;
  html: string;
  media: unknown[];
  keyEvent: boolean;
  pinned: boolean;
  status: EntryTable['status'];
  author: { id: string; name: string };
  publishedAt: string;
  updatedAt: string;
  revision: number;
  url: string;
  shortUrl: string;
  /** Verification label set by an editor; readers show it (a retracted entry stays, struck through). */
  verification: 'unconfirmed' | 'confirmed' | 'retracted' | null;
  verificationNote: string | null;
  /** The latest correction, shown to readers under the entry. */
  correction: { note: string; at: string } | null;
  /** Why an editor returned this entry to its contributor (drafts only). */
  returnNote: string | null;
}

export function toEntry(r: EntryRow, liveblogSlug: string, publicUrl: string): Entry {
  return {
    id: r.id,
    liveblogId: r.liveblog_id,
    headline: r.headline,
    body: r.body,
    html: r.html,
    media: [],
    keyEvent: r.key_event === 1,
    pinned: r.pinned === 1,
    status: r.status,
    author: { id: r.author_id, name: r.author_name },
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    revision: r.revision,
    url: `${publicUrl}/live/${liveblogSlug}#entry-${r.id}`,
    shortUrl: `${publicUrl}/s/${r.id}`,
    verification: r.verification ?? null,
    verificationNote: r.verification_note ?? null,
    correction: r.correction_note && r.correction_at ? { note: r.correction_note, at: r.correction_at } : null,
    returnNote: r.return_note ?? null,
  };
}

/** Opaque pagination cursor for `before`: the last item's (publishedAt, id). */
export function encodePageCursor(r: { published_at: string; id: string }): string {
  return Buffer.from(`${r.published_at}|${r.id}`, 'utf8').toString('base64url');
}

export function decodePageCursor(s: string): { publishedAt: string; id: string } | null {
  const raw = Buffer.from(s, 'base64url').toString('utf8');
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([A-Za-z0-9_-]{1,32})$/.exec(raw);
  return m ? { publishedAt: m[1], id: m[2] } : null;
}
