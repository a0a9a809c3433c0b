/**
 * The returning reader: we remember, per live blog, the newest entry the reader has had
 * on screen and when. On the next visit the page says how many entries arrived since and
 * links to where the reader left off (the feed loads older pages to reach it).
 */
import { escapeHtml } from '../escape-html.ts';
import { $ } from './dom.ts';
import { localTime } from './local-time.ts';

interface Visit {
  id: string;
  publishedAt: string;
  at: string;
}

const key = (liveblogId: string) => `unfold:visit:${liveblogId}`;

function read(liveblogId: string): Visit | null {
  try {
    const v = JSON.parse(localStorage.getItem(key(liveblogId)) ?? 'null') as Visit | null;
    return v && typeof v.id === 'string' && typeof v.publishedAt === 'string' ? v : null;
  } catch {
    return null; // storage off (private mode) or garbage: behave as a first visit
  }
}

function newest(feed: HTMLElement): HTMLElement | null {
  return feed.querySelector<HTMLElement>('article[data-published]');
}

function save(liveblogId: string, feed: HTMLElement): void {
  const top = newest(feed);
  if (!top) return;
  const v: Visit = { id: top.id.replace(/^entry-/, ''), publishedAt: top.dataset.published!, at: new Date().toISOString() };
  try {
    localStorage.setItem(key(liveblogId), JSON.stringify(v));
  } catch {
    // Quota or private mode: the feature is a nicety.
  }
}

export function trackVisits(liveblogId: string, feed: HTMLElement, hasMore: boolean): void {
  const prev = read(liveblogId);
  const box = $('since');
  if (prev && box) {
    const all = Array.from(feed.querySelectorAll<HTMLElement>('article[data-published]'));
    const fresh = all.filter((a) => a.dataset.published! > prev.publishedAt).length;
    if (fresh > 0) {
      const count = fresh === all.length && hasMore ? `${fresh}+` : String(fresh);
      box.innerHTML =
        `<strong>${count} new ${fresh === 1 ? 'entry' : 'entries'}</strong> since your last visit at ${localTime(prev.at)}. ` +
        `<a href="#entry-${escapeHtml(encodeURIComponent(prev.id))}">Jump to where you left off</a>`;
      box.hidden = false;
    }
  }
  save(liveblogId, feed);
  addEventListener('pagehide', () => save(liveblogId, feed));
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && save(liveblogId, feed));
}
