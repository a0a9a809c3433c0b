/** `/`: live blogs that are live now, then the recent ones that have ended. */
import type { Liveblog } from '../liveblogs/liveblog-view.ts';
import { escapeHtml } from './escape-html.ts';
import { longDate, shell, type AssetNames } from './page-shell.ts';
import { badgeHtml } from './page-text.ts';

function card(lb: Liveblog): string {
  const badge = badgeHtml(lb.status);
  const when = lb.startedAt ?? lb.createdAt;
  return (
    `<li class="card"><a href="/live/${escapeHtml(lb.slug)}">` +
    `<p class="kicker">${badge} <time datetime="${escapeHtml(when)}">${escapeHtml(longDate(when))}</time></p>` +
    `<h2>${escapeHtml(lb.title)}</h2>` +
    (lb.lead ? `<p>${escapeHtml(lb.lead)}</p>` : '') +
    `</a></li>`
  );
}

export function renderIndexPage(liveblogs: Liveblog[], assets: AssetNames, publicUrl: string): string {
  const live = liveblogs.filter((lb) => lb.status === 'live');
  const recent = liveblogs.filter((lb) => lb.status !== 'live');
  const section = (title: string, items: Liveblog[]) =>
    items.length ? `<section class="cards"><h1 class="section">${title}</h1><ol>${items.map(card).join('')}</ol></section>` : '';
  const body =
    section('Live now', live) + section('Recent coverage', recent) ||
    '<div class="empty"><h1>No live coverage yet</h1><p>When the newsroom goes live, it appears here.</p></div>';
  return shell({
    lang: 'en',
    title: 'Live coverage | Unfold',
    assets,
    head:
      `<meta name="description" content="Live coverage as it happens.">` +
      `<link rel="canonical" href="${escapeHtml(publicUrl)}/">`,
    body,
  });
}
