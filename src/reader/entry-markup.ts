/**
 * The markup of one entry and of one key-event line. Shared by the server template and
 * the browser client (esbuild bundles this file), so a live-inserted entry is byte for
 * byte what a reload would show. Only the clock differs: the server writes HH:MM in GMT,
 * the browser in the reader's zone, so the formatter is a parameter.
 */
import { escapeHtml, safeUrl } from './escape-html.ts';

export interface MediaLike {
  kind?: string;
  url?: string;
  caption?: string | null;
  credit?: string | null;
  width?: number | null;
  height?: number | null;
}

/** The Entry JSON of API.md plus the optional desk fields that may or may not be present. */
export interface EntryLike {
  id: string;
  liveblogId: string;
  headline: string | null;
  html: string;
  body?: string;
  publishedAt: string;
  updatedAt?: string;
  revision?: number;
  keyEvent?: boolean;
  pinned?: boolean;
  author?: { name?: string } | null;
  /** Media objects (API.md); typed loosely because entries carry them as `unknown[]`. */
  media?: unknown[];
  verification?: 'unconfirmed' | 'confirmed' | 'retracted' | null;
  /** Why the desk labelled it so ("Two sources, not yet official"). */
  verificationNote?: string | null;
  correction?: { note: string; at: string } | null;
}

export type FormatTime = (iso: string) => string;

/** HH:MM in GMT: the server's fallback, readable without JavaScript. */
export const gmtTime: FormatTime = (iso) => (/T(\d\d:\d\d)/.exec(iso)?.[1] ?? '');

const VERIFICATION: Record<string, string> = { unconfirmed: 'Unconfirmed', confirmed: 'Confirmed', retracted: 'Retracted' };

const time = (iso: string, fmt: FormatTime) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(fmt(iso))}</time>`;

function mediaHtml(m: MediaLike): string {
  const cap = [m.caption, m.credit].filter(Boolean).map(escapeHtml).join(' · ');
  const fig = cap ? `<figcaption>${cap}</figcaption>` : '';
  if (m.kind === 'image') {
    const size = m.width && m.height ? ` width="${Number(m.width)}" height="${Number(m.height)}"` : '';
    return `<figure><img src="${escapeHtml(safeUrl(m.url))}" alt="${escapeHtml(m.caption)}" loading="lazy"${size}>${fig}</figure>`;
  }
  return `<figure><a href="${escapeHtml(safeUrl(m.url))}" rel="nofollow noopener">${escapeHtml(m.caption || m.url)}</a>${fig}</figure>`;
}

/** `<article id="entry-…">`. `html` is sanitized on the server when the entry is written. */
export function entryHtml(e: EntryLike, fmt: FormatTime): string {
  const v = e.verification && VERIFICATION[e.verification] ? e.verification : null;
  const cls = ['entry', e.keyEvent ? 'is-key' : '', e.pinned ? 'is-pinned' : '', v === 'retracted' ? 'is-retracted' : '']
    .filter(Boolean)
    .join(' ');
  const updated =
    (e.revision ?? 1) > 1 && e.updatedAt
      ? ` <a class="upd" href="/api/v1/liveblogs/${escapeHtml(e.liveblogId)}/entries/${escapeHtml(e.id)}/revisions">Updated ${time(e.updatedAt, fmt)}</a>`
      : '';
  const meta =
    `<a class="stamp" href="#entry-${escapeHtml(e.id)}">${time(e.publishedAt, fmt)}</a>` +
    (e.keyEvent ? ' <span class="tag tag-key">Key event</span>' : '') +
    (v ? ` <span class="tag tag-${v}">${VERIFICATION[v]}</span>` : '') +
    (v && e.verificationNote ? ` <span class="vnote">${escapeHtml(e.verificationNote)}</span>` : '') +
    updated;
  const correction = e.correction
    ? `<p class="correction"><strong>Correction</strong> ${time(e.correction.at, fmt)}: ${escapeHtml(e.correction.note)}</p>`
    : '';
  const by = e.author?.name ? `<p class="byline">${escapeHtml(e.author.name)}</p>` : '';
  return (
    `<article class="${cls}" id="entry-${escapeHtml(e.id)}" data-published="${escapeHtml(e.publishedAt)}">` +
    `<div class="meta">${meta}</div>` +
    (e.headline ? `<h2>${escapeHtml(e.headline)}</h2>` : '') +
    `<div class="body">${e.html}</div>` +
    (e.media ?? []).map((m) => mediaHtml(m as MediaLike)).join('') +
    correction +
    by +
    `</article>`
  );
}

/** Plain text of a short HTML fragment, for titles, key events and JSON-LD. */
export function textOf(e: { headline: string | null; html: string }, max = 120): string {
  if (e.headline) return e.headline;
  const t = e.html.replace(/<[^>]*>/g, ' ').replace(/&(amp|lt|gt|quot|#39);/g, (_m, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[n] ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1).trimEnd() + '…' : t;
}

/** One line of the "Key events" timeline. */
export function keyEventHtml(e: EntryLike, fmt: FormatTime): string {
  return `<li data-id="${escapeHtml(e.id)}" data-published="${escapeHtml(e.publishedAt)}"><a href="#entry-${escapeHtml(e.id)}">${time(e.publishedAt, fmt)} <span>${escapeHtml(textOf(e, 90))}</span></a></li>`;
}
