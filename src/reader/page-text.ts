/**
 * Small pieces of the live page that the server renders and the client re-renders when
 * the live blog changes (description, status badge, document title). Bundled into the
 * client like entry-markup.ts, so a live update is exactly what a reload would show.
 */
import { escapeHtml } from './escape-html.ts';

/** Blank-line separated text → escaped `<p>`s. */
export function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('');
}

/** The status badge's class and label: anything not live (ended, draft) looks ended. */
export function badge(status: string): { cls: string; label: string } {
  if (status === 'live') return { cls: 'badge live', label: 'Live' };
  return { cls: 'badge ended', label: status === 'ended' ? 'Ended' : 'Draft' };
}

export function badgeHtml(status: string, id?: string): string {
  const b = badge(status);
  return `<span class="${b.cls}"${id ? ` id="${escapeHtml(id)}"` : ''}>${b.label}</span>`;
}

/** The document title: "LIVE: " while live, so a tab shows it. */
export function pageTitle(status: string, title: string): string {
  return `${status === 'live' ? 'LIVE: ' : ''}${title}`;
}
