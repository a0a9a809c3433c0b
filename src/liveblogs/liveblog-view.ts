/** The public JSON shape of a live blog (API.md "Liveblog"). */
import type { LiveblogTable } from '../db/schema.ts';

export interface Liveblog {
  id: string;
  slug: string;
  title: string;
  lead: string;
  description: string;
  status: 'draft' | 'live' | 'ended';
  language: string;
  startedAt: string | null;
  endedAt: string | null;
  cover: null;
  audioStreamUrl: string | null;
  commentsMode: 'open' | 'premoderated' | 'closed';
  url: string;
  shortUrl: string;
  createdAt: string;
  updatedAt: string;
  /** The change cursor the object was read at: a stream opened from it misses nothing. */
  cursor: number;
}

export function toLiveblog(r: LiveblogTable, publicUrl: string): Liveblog {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    lead: r.lead,
    description: r.description,
    status: r.status,
    language: r.language,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    cover: null,
    audioStreamUrl: r.audio_stream_url,
    commentsMode: r.comments_mode,
    url: `${publicUrl}/live/${r.slug}`,
    shortUrl: `${publicUrl}/s/${r.id}`,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    cursor: Number(r.cursor),
  };
}
