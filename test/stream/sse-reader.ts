/** A minimal SSE client over a real socket that records every message, for stream tests. */
import http from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export class SseReader {
  events: SseEvent[] = [];
  comments = 0;
  retry: number | null = null;
  status = 0;
  ended = false;
  private req!: http.ClientRequest;
  private waiters: (() => void)[] = [];

  constructor(private readonly url: string, private readonly headers: Record<string, string> = {}) {}

  open(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.req = http.get(this.url, { headers: { accept: 'text/event-stream', ...this.headers } }, (res) => {
        this.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            this.parse(buf.slice(0, i));
            buf = buf.slice(i + 2);
          }
          this.wake();
        });
        res.on('close', () => {
          this.ended = true;
          this.wake();
        });
        resolve(this);
      });
      this.req.on('error', (e) => (this.ended ? undefined : reject(e)));
    });
  }

  private parse(block: string): void {
    const ev: SseEvent = { data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments++;
      else if (line.startsWith('retry: ')) this.retry = Number(line.slice(7));
      else if (line.startsWith('id: ')) ev.id = line.slice(4);
      else if (line.startsWith('event: ')) ev.event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length) {
      ev.data = data.join('\n');
      this.events.push(ev);
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Messages that carry an id (changes), in arrival order. */
  get changes(): SseEvent[] {
    return this.events.filter((e) => e.id !== undefined);
  }

  /** Resolves when `pred` holds; rejects after `ms` with what was received so far. */
  async until(pred: (r: this) => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this)) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${this.changes.length} changes, ended=${this.ended}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): void {
    this.req?.destroy();
  }
}
