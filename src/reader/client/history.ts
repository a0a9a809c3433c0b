/**
 * "Updated HH:MM" opens the entry's earlier versions inline (corrections happen in the
 * open) instead of sending the reader to raw JSON. The revisions endpoint's `html` is
 * sanitized on the server like every entry's; everything else is escaped here.
 */
import { escapeHtml } from '../escape-html.ts';
import { fromHtml } from './dom.ts';
import { localizeTimes, localTime } from './local-time.ts';
import type { Revision } from '../../entries/entry-revisions.ts';

function historyHtml(items: Revision[]): string {
  const earlier = items.slice(0, -1).reverse(); // the last one is what the page shows
  const li = (r: Revision) =>
    `<li><p class="hmeta">Version ${r.revision} · <time datetime="${escapeHtml(r.editedAt)}">${escapeHtml(localTime(r.editedAt))}</time>` +
    (r.editedBy?.name ? ` · ${escapeHtml(r.editedBy.name)}` : '') +
    `</p>${r.headline ? `<h3>${escapeHtml(r.headline)}</h3>` : ''}<div class="body">${r.html}</div>` +
    (r.correction ? `<p class="correction"><strong>Correction</strong>: ${escapeHtml(r.correction)}</p>` : '') +
    `</li>`;
  return `<div class="history"><p class="box-title">Earlier versions</p><ol>${earlier.map(li).join('') || '<li>No earlier public version.</li>'}</ol></div>`;
}

const FAILED = '<div class="history is-failed" role="status"><p class="note">Earlier versions could not be loaded. Try again later.</p></div>';

export function enableHistory(): void {
  document.addEventListener('click', async (ev) => {
    const link = (ev.target as Element).closest?.('a.upd[href]') as HTMLAnchorElement | null;
    const article = link?.closest('article');
    if (!link || !article || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    ev.preventDefault();
    const open = article.querySelector('.history');
    if (open && !open.classList.contains('is-failed')) return void (open.remove(), link.setAttribute('aria-expanded', 'false'));
    open?.remove();
    const items = await fetch(link.href, { headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? (r.json() as Promise<{ items?: Revision[] }>) : null))
      .catch(() => null);
    // A failed request says so in place, quietly; the next click tries again.
    const el = fromHtml(items ? historyHtml(items.items ?? []) : FAILED);
    localizeTimes(el);
    article.append(el);
    link.setAttribute('aria-expanded', 'true');
  });
}
