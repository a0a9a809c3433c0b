/**
 * The live stream: EventSource from the cursor the page was rendered at, so nothing
 * published between render and connect is lost. EventSource reconnects by itself with
 * Last-Event-ID; when the server answers with an error status it gives up, so we open a
 * new one from the last cursor we saw, with a growing delay.
 */
import type { EntryLike } from '../entry-markup.ts';

export interface StreamHandlers {
  published(e: EntryLike): void;
  updated(e: EntryLike): void;
  deleted(id: string): void;
  liveblog(lb: Record<string, unknown>): void;
  presence(readers: number): void;
  /** true while the connection is down. */
  connection(down: boolean): void;
}

export function openStream(liveblogId: string, cursor: number, h: StreamHandlers): void {
  let last = String(cursor);
  let delay = 1000;
  const connect = () => {
    const es = new EventSource(`/api/v1/liveblogs/${encodeURIComponent(liveblogId)}/stream?lastEventId=${encodeURIComponent(last)}`);
    const on = (event: string, fn: (data: any) => void) =>
      es.addEventListener(event, (m) => {
        const msg = m as MessageEvent<string>;
        if (msg.lastEventId) last = msg.lastEventId;
        try {
          fn(JSON.parse(msg.data));
        } catch (err) {
          console.error('unfold: could not apply', event, err);
        }
      });
    on('entry.published', (d) => h.published(d.entry));
    on('entry.updated', (d) => h.updated(d.entry));
    on('entry.deleted', (d) => h.deleted(d.entry.id));
    on('liveblog.updated', (d) => h.liveblog(d.liveblog));
    on('presence', (d) => h.presence(Number(d.readers)));
    // The cursor is older than the server keeps: the page itself is the way back.
    es.addEventListener('reset', () => location.reload());
    es.onopen = () => {
      delay = 1000;
      h.connection(false);
    };
    es.onerror = () => {
      h.connection(true);
      if (es.readyState === EventSource.CLOSED) {
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30_000);
      }
    };
  };
  connect();
}
