/** The frame every reader page shares: <head> basics, the site bar, the footer. */
import { escapeHtml } from './escape-html.ts';

export interface AssetNames {
  js: string;
  css: string;
}

export interface ShellOptions {
  lang: string;
  title: string;
  /** Extra <head> markup (meta, JSON-LD), already escaped. */
  head?: string;
  body: string;
  assets: AssetNames;
  /** The live page loads the client; the index does not need it. */
  script?: boolean;
}

const GMT_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** "Monday 15 January 2018", in GMT like the rest of the server's text. */
export function longDate(iso: string | null): string {
  return iso ? GMT_DATE.format(new Date(iso)).replace(',', '') : '';
}

export function shell(o: ShellOptions): string {
  return (
    `<!doctype html><html lang="${escapeHtml(o.lang)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="color-scheme" content="light dark">` +
    `<title>${escapeHtml(o.title)}</title>` +
    // Inline icon: saves every first visit a /favicon.ico round trip that would 404.
    `<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='6' fill='%23c8102e'/%3E%3C/svg%3E">` +
    `<link rel="stylesheet" href="/assets/${escapeHtml(o.assets.css)}">` +
    (o.script ? `<script defer src="/assets/${escapeHtml(o.assets.js)}"></script>` : '') +
    (o.head ?? '') +
    `</head><body>` +
    `<a class="skip" href="#main">Skip to content</a>` +
    `<header class="site"><div class="wrap"><a class="brand" href="/">Unfold<span>live</span></a></div></header>` +
    `<main id="main" class="wrap">${o.body}</main>` +
    `<footer class="site"><div class="wrap"><a href="/">All live coverage</a> · <a href="/community-standards">Community standards</a></div></footer>` +
    `</body></html>`
  );
}

/** A reader-facing page for a missing or unpublished live blog. */
export function notFoundPage(assets: AssetNames): string {
  return shell({
    lang: 'en',
    title: 'Not found | Unfold',
    assets,
    head: '<meta name="robots" content="noindex">',
    body: `<div class="empty"><h1>This page does not exist</h1><p>The live blog may have moved or not be published yet. <a href="/">See all live coverage</a>.</p></div>`,
  });
}
