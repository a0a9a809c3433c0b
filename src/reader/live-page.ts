/**
 * The live page's HTML, complete without JavaScript: head metadata (description,
 * canonical, Open Graph, JSON-LD LiveBlogPosting), the live blog's header, the key events,
 * the pinned entries and the latest entries. The client takes over from the embedded
 * state (`#unfold-data`): the cursor to stream from and the cursor of the next page.
 */
import { escapeHtml, jsonForScript } from './escape-html.ts';
import { entryHtml, gmtTime, keyEventHtml, textOf } from './entry-markup.ts';
import { longDate, shell, type AssetNames } from './page-shell.ts';
import { badgeHtml, pageTitle, paragraphs } from './page-text.ts';
import type { LivePageData } from './page-data.ts';

/** What the client reads at start. */
export interface ClientState {
  id: string;
  slug: string;
  cursor: number;
  next: string | null;
  status: string;
}

function head(p: LivePageData): string {
  const lb = p.liveblog;
  const summary = (lb.lead || lb.description || lb.title).replace(/\s+/g, ' ').slice(0, 300);
  const newest = p.entries[0];
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'LiveBlogPosting',
    headline: lb.title,
    description: summary,
    url: lb.url,
    inLanguage: lb.language,
    datePublished: lb.startedAt ?? lb.createdAt,
    dateModified: newest && newest.updatedAt > lb.updatedAt ? newest.updatedAt : lb.updatedAt,
    coverageStartTime: lb.startedAt ?? lb.createdAt,
    ...(lb.endedAt ? { coverageEndTime: lb.endedAt } : {}),
    publisher: { '@type': 'Organization', name: 'Unfold' },
    // Headline, time and link per update: the text itself is already on the page, and
    // repeating it here would double the page's weight.
    liveBlogUpdate: [...p.pinned, ...p.entries].map((e) => ({
      '@type': 'BlogPosting',
      headline: textOf(e, 110),
      datePublished: e.publishedAt,
      dateModified: e.updatedAt,
      url: e.url,
    })),
  };
  const meta = (attr: string, key: string, value: string) => `<meta ${attr}="${key}" content="${escapeHtml(value)}">`;
  return (
    meta('name', 'description', summary) +
    `<link rel="canonical" href="${escapeHtml(lb.url)}">` +
    (p.before ? meta('name', 'robots', 'noindex, follow') : '') +
    meta('property', 'og:type', 'article') +
    meta('property', 'og:site_name', 'Unfold') +
    meta('property', 'og:title', lb.title) +
    meta('property', 'og:description', summary) +
    meta('property', 'og:url', lb.url) +
    meta('name', 'twitter:card', 'summary') +
    `<script type="application/ld+json">${jsonForScript(ld)}</script>`
  );
}

function hero(p: LivePageData): string {
  const lb = p.liveblog;
  const badge = badgeHtml(lb.status, 'badge');
  return (
    `<header class="hero">` +
    `<p class="kicker">${badge} <time datetime="${escapeHtml(lb.startedAt ?? lb.createdAt)}">${escapeHtml(longDate(lb.startedAt ?? lb.createdAt))}</time>` +
    `<span class="presence" id="presence" hidden></span><span class="conn" id="conn" role="status" hidden>Reconnecting…</span></p>` +
    `<h1 id="lb-title">${escapeHtml(lb.title)}</h1>` +
    `<p class="lead" id="lb-lead"${lb.lead ? '' : ' hidden'}>${escapeHtml(lb.lead)}</p>` +
    `<div class="desc" id="lb-desc">${paragraphs(lb.description)}</div>` +
    `<p class="note" id="tz">Times are GMT.</p>` +
    `</header>`
  );
}

export function renderLivePage(p: LivePageData, assets: AssetNames): string {
  const lb = p.liveblog;
  const keys =
    `<details class="keys" id="keys" open${p.keyEvents.length ? '' : ' hidden'}><summary>Key events</summary>` +
    `<ol>${p.keyEvents.map((e) => keyEventHtml(e, gmtTime)).join('')}</ol></details>`;
  const pinned = `<section class="pinned" id="pinned" aria-label="Pinned"${p.pinned.length ? '' : ' hidden'}><h2 class="box-title">Pinned</h2>${p.pinned.map((e) => entryHtml(e, gmtTime)).join('')}</section>`;
  const more = p.next ? `<a class="more" id="more" href="/live/${escapeHtml(lb.slug)}?before=${encodeURIComponent(p.next)}">Load more</a>` : '';
  const state: ClientState = { id: lb.id, slug: lb.slug, cursor: lb.cursor, next: p.next, status: lb.status };
  const body =
    hero(p) +
    `<div class="layout"><aside class="side">${keys}</aside><div class="stream">` +
    `<div class="since" id="since" hidden></div>` +
    (p.before ? `<p class="note"><a href="/live/${escapeHtml(lb.slug)}">Back to the latest entries</a></p>` : pinned) +
    `<button type="button" class="fresh" id="fresh" hidden></button>` +
    `<div class="feed" id="feed">${p.entries.map((e) => entryHtml(e, gmtTime)).join('')}</div>` +
    (p.entries.length || p.pinned.length ? '' : '<p class="note" id="no-entries">No entries yet. They will appear here as they are published.</p>') +
    `<div class="end">${more}</div></div></div>` +
    `<div class="sr-only" id="announcer" aria-live="polite"></div>` +
    `<script type="application/json" id="unfold-data">${jsonForScript(state)}</script>`;
  return shell({ lang: lb.language, title: pageTitle(lb.status, lb.title), head: head(p), body, assets, script: !p.before });
}
