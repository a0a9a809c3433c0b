/**
 * The reader page's script. The server already rendered everything; this file makes the
 * page live: local times, the stream, new/edited/deleted entries, "Load more", deep links
 * to entries far down, presence, and the returning reader's "since your last visit".
 */
import type { ClientState } from '../live-page.ts';
import { badge, pageTitle, paragraphs } from '../page-text.ts';
import { $ } from './dom.ts';
import { Feed } from './feed.ts';
import { enableHistory } from './history.ts';
import { localizeTimes, zoneNote } from './local-time.ts';
import { openStream } from './stream.ts';
import { trackVisits } from './visits.ts';

const state = JSON.parse($('unfold-data')!.textContent!) as ClientState;
const feed = new Feed(state.id, state.next);

localizeTimes(document);
$('tz')!.textContent = zoneNote();
// On a phone the key events start folded so the latest entries come first.
const keys = $<HTMLDetailsElement>('keys');
if (keys && matchMedia('(max-width: 899px)').matches) keys.open = false;

function setText(id: string, text: unknown): void {
  const el = $(id);
  if (el && typeof text === 'string') {
    el.textContent = text;
    el.hidden = text === '';
  }
}

// A reader in another tab sees "(3) LIVE: …" in the tab title until they come back.
let baseTitle = document.title;
let status = state.status;
let unseen = 0;
const showUnseen = () => (document.title = unseen ? `(${unseen}) ${baseTitle}` : baseTitle);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible') return;
  unseen = 0;
  showUnseen();
});

openStream(state.id, state.cursor, {
  published(e) {
    feed.published(e);
    if (document.visibilityState !== 'hidden') return;
    unseen++;
    showUnseen();
  },
  updated: (e) => feed.updated(e),
  deleted: (id) => feed.deleted(id),
  liveblog(lb) {
    setText('lb-title', lb.title);
    setText('lb-lead', lb.lead);
    const desc = $('lb-desc');
    // paragraphs() escapes every value: this is our own template, as on the server.
    if (desc && typeof lb.description === 'string') desc.innerHTML = paragraphs(lb.description);
    if (typeof lb.status === 'string') status = lb.status;
    const el = $('badge');
    if (el) {
      const b = badge(status);
      el.className = b.cls;
      el.textContent = b.label;
    }
    if (typeof lb.title === 'string') {
      baseTitle = pageTitle(status, lb.title);
      showUnseen();
    }
  },
  presence(n) {
    const el = $('presence');
    if (!el || !(n > 0)) return;
    el.textContent = `${n.toLocaleString()} reading`;
    el.hidden = false;
  },
  connection(down) {
    $('conn')!.hidden = !down;
  },
});

// Deep links (#entry-<id>) may point far below the latest page: fetch until found.
const revealHash = () => {
  const m = /^#entry-([A-Za-z0-9_-]{1,32})$/.exec(location.hash);
  if (m) void feed.reveal(m[1]);
};
addEventListener('hashchange', revealHash);
revealHash();

trackVisits(state.id, feed.list, !!state.next);

// "Updated HH:MM" opens the entry's earlier versions inline.
enableHistory();
