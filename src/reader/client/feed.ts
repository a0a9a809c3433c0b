/**
 * The list of entries on the page and every change to it: new entries go on top when the
 * reader is at the top, or wait behind the "N new messages" button when the reader has
 * scrolled into the feed (so nothing being read moves); edits and deletions apply in
 * place; pinned entries live in their own box; key events mirror into the timeline.
 */
import { entryHtml, keyEventHtml, textOf, type EntryLike } from '../entry-markup.ts';
import { $, fromHtml, olderSibling } from './dom.ts';
import { localizeTimes, localTime } from './local-time.ts';

export class Feed {
  readonly list = $('feed')!;
  private pinnedBox = $('pinned');
  private keys = $('keys');
  private fresh = $<HTMLButtonElement>('fresh')!;
  private announcer = $('announcer')!;
  private more = $<HTMLAnchorElement>('more');
  private pending = new Map<string, EntryLike>();
  private loading: Promise<boolean> | null = null;

  constructor(private readonly liveblogId: string, private next: string | null) {
    this.fresh.addEventListener('click', () => this.flush());
    this.more?.addEventListener('click', (ev) => {
      ev.preventDefault();
      void this.loadMore();
    });
    addEventListener('scroll', () => this.pending.size && this.atTop() && this.flush(false), { passive: true });
  }

  /** Inserting above the feed's top edge would move what the reader is looking at. */
  private atTop(): boolean {
    return this.list.getBoundingClientRect().top >= 0;
  }

  private render(e: EntryLike): HTMLElement {
    const el = fromHtml(entryHtml(e, localTime));
    localizeTimes(el);
    return el;
  }

  private place(el: HTMLElement, e: EntryLike): void {
    const box = e.pinned && this.pinnedBox ? this.pinnedBox : this.list;
    box.insertBefore(el, box === this.list ? olderSibling(box, e.publishedAt) : null);
    this.pinnedBox && (this.pinnedBox.hidden = !this.pinnedBox.querySelector('article'));
    $('no-entries')?.remove();
  }

  /** A brief highlight on entries that arrive live; the class goes away so markup stays as rendered. */
  private flash(el: HTMLElement): HTMLElement {
    el.classList.add('is-new');
    el.addEventListener('animationend', () => el.classList.remove('is-new'), { once: true });
    return el;
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }

  published(e: EntryLike): void {
    this.syncKeyEvent(e);
    if (document.getElementById(`entry-${e.id}`) || this.pending.has(e.id)) return this.updated(e);
    if (this.atTop()) {
      this.place(this.flash(this.render(e)), e);
      this.announce(`New entry: ${textOf(e)}`);
      return;
    }
    this.pending.set(e.id, e);
    this.showFresh();
    this.announce(`${this.pending.size} new ${this.pending.size === 1 ? 'message' : 'messages'}`);
  }

  updated(e: EntryLike): void {
    this.syncKeyEvent(e);
    if (this.pending.has(e.id)) return void this.pending.set(e.id, e);
    const old = document.getElementById(`entry-${e.id}`);
    const el = this.render(e);
    if (old && old.classList.contains('is-pinned') === !!e.pinned) return old.replaceWith(el);
    old?.remove();
    // Not on the page (or moved in/out of the pinned box): place it if it falls in the loaded range.
    const last = this.list.lastElementChild as HTMLElement | null;
    if (e.pinned || !this.next || !last || e.publishedAt >= last.dataset.published!) this.place(el, e);
    if (this.pinnedBox) this.pinnedBox.hidden = !this.pinnedBox.querySelector('article');
  }

  deleted(id: string): void {
    this.pending.delete(id);
    this.showFresh();
    document.getElementById(`entry-${id}`)?.remove();
    this.keys?.querySelector(`li[data-id="${CSS.escape(id)}"]`)?.remove();
    if (this.keys) this.keys.hidden = !this.keys.querySelector('li');
    if (this.pinnedBox) this.pinnedBox.hidden = !this.pinnedBox.querySelector('article');
  }

  private syncKeyEvent(e: EntryLike): void {
    const list = this.keys?.querySelector('ol');
    if (!list || !this.keys) return;
    list.querySelector(`li[data-id="${CSS.escape(e.id)}"]`)?.remove();
    if (e.keyEvent) {
      const li = fromHtml(keyEventHtml(e, localTime));
      localizeTimes(li);
      list.insertBefore(li, olderSibling(list, e.publishedAt));
    }
    this.keys.hidden = !list.firstElementChild;
  }

  private showFresh(): void {
    const n = this.pending.size;
    this.fresh.hidden = n === 0;
    this.fresh.textContent = `↑ ${n} new ${n === 1 ? 'message' : 'messages'}`;
  }

  /** Shows the waiting entries; `jump` takes the reader to them (the button does, scrolling up does not). */
  flush(jump = true): void {
    const waiting = [...this.pending.values()].sort((a, b) => (a.publishedAt < b.publishedAt ? -1 : 1));
    this.pending.clear();
    this.showFresh();
    let first: HTMLElement | null = null;
    for (const e of waiting) this.place((first = this.flash(this.render(e))), e);
    if (!first || !jump) return;
    first = this.list.firstElementChild as HTMLElement;
    first.tabIndex = -1;
    first.focus({ preventScroll: true });
    first.scrollIntoView({ block: 'start' });
  }

  /** Appends the next older page; false when there is nothing more. */
  loadMore(): Promise<boolean> {
    if (!this.next) return Promise.resolve(false);
    return (this.loading ??= this.fetchPage().finally(() => (this.loading = null)));
  }

  private async fetchPage(): Promise<boolean> {
    this.more?.setAttribute('aria-busy', 'true');
    try {
      const url = `/api/v1/liveblogs/${encodeURIComponent(this.liveblogId)}/entries?limit=20&before=${encodeURIComponent(this.next!)}`;
      const res = await fetch(url, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const page = (await res.json()) as { items: EntryLike[]; next: string | null };
      for (const e of page.items) if (!document.getElementById(`entry-${e.id}`)) this.list.append(this.render(e));
      this.next = page.next;
      if (this.more) {
        this.more.hidden = !this.next;
        if (this.next) this.more.href = `?before=${encodeURIComponent(this.next)}`;
      }
      return true;
    } catch {
      this.announce('Could not load older entries. Try again.');
      return false;
    } finally {
      this.more?.removeAttribute('aria-busy');
    }
  }

  /** Loads older pages until the entry is on the page, then brings it into view. */
  async reveal(id: string): Promise<void> {
    let el: HTMLElement | null;
    for (let pages = 0; !(el = document.getElementById(`entry-${id}`)) && pages < 200; pages++) {
      if (!(await this.loadMore())) break;
    }
    if (!el) return;
    document.querySelectorAll('.is-target').forEach((x) => x.classList.remove('is-target'));
    el.classList.add('is-target');
    el.tabIndex = -1;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'start' });
  }
}
