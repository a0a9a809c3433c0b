/**
 * A tiny Server-Sent Events client over node:http for tests: it records every message
 * with its arrival time, and can wait for a condition. No reconnection of its own, so a
 * test sees exactly what one connection received.
 */
import http from 'node:http';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
  /** Date.now() when the message's last line arrived. */
  at: number;
}

export interface SseClient {
  readonly status: number;
  readonly messages: SseMessage[];
  /** Messages with an id (changes), in arrival order. */
  changes(): SseMessage[];
  /** True once the server or the network closed the stream. */
  readonly ended: boolean;
  /** Bytes received so far (heartbeats included). */
  readonly bytes: number;
  /** Comment lines (heartbeats) received. */
  readonly comments: number;
  /** The last `retry:` the server sent, or null. */
  readonly retry: number | null;
  waitFor(pred: (c: SseClient) => boolean, timeoutMs: number, what?: string): Promise<void>;
  close(): void;
}

export function openSse(url: string, opts: { lastEventId?: string | number; headers?: Record<string, string> } = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...opts.headers };
    if (opts.lastEventId !== undefined) headers['last-event-id'] = String(opts.lastEventId);
    const req = http.get(url, { headers, agent: false });
    req.once('error', reject);
    req.once('response', (res) => {
      const messages: SseMessage[] = [];
      const waiters = new Set<() => void>();
      let buf = '';
      let ended = false;
      let bytes = 0;
      let comments = 0;
      let retry: number | null = null;
      let cur: { id: string | null; event: string; data: string[] } = { id: null, event: 'message', data: [] };
      const client: SseClient = {
        status: res.statusCode ?? 0,
        messages,
        changes: () => messages.filter((m) => m.id !== null),
        get ended() {
          return ended;
        },
        get bytes() {
          return bytes;
        },
        get comments() {
          return comments;
        },
        get retry() {
          return retry;
        },
        waitFor(pred, timeoutMs, what = 'condition') {
          if (pred(client)) return Promise.resolve();
          return new Promise((ok, fail) => {
            const check = () => {
              if (!pred(client)) return;
              clearTimeout(t);
              waiters.delete(check);
              ok();
            };
            const t = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${url}: ${messages.filter((m) => m.id).length} changes)`));
            }, timeoutMs);
            waiters.add(check);
          });
        },
        close() {
          req.destroy();
        },
      };
      const notify = () => {
        for (const w of [...waiters]) w();
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        bytes += chunk.length;
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).replace(/\r$/, '');
          buf = buf.slice(i + 1);
          if (line === '') {
            if (cur.data.length) messages.push({ id: cur.id, event: cur.event, data: cur.data.join('\n'), at: Date.now() });
            cur = { id: null, event: 'message', data: [] };
            continue;
          }
          if (line.startsWith(':')) {
            comments++;
            continue;
          }
          const c = line.indexOf(':');
          const field = c < 0 ? line : line.slice(0, c);
          const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
          if (field === 'id') cur.id = value;
          else if (field === 'event') cur.event = value;
          else if (field === 'data') cur.data.push(value);
          else if (field === 'retry') retry = Number(value);
        }
        notify();
      });
      const end = () => {
        ended = true;
        notify();
      };
      res.once('end', end);
      res.once('close', end);
      res.once('error', end);
      resolve(client);
    });
  });
}
