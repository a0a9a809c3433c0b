/**
 * The bus across nodes: a committed change goes to this node's hubs at once and to the
 * other nodes through one Redis channel. Redis pub/sub keeps nothing for a subscriber
 * that was away, so after an outage the bus calls the `onResume` handlers and the hubs
 * catch up from the change log; the change log, not Redis, is what makes delivery whole.
 */
import type { Redis } from 'ioredis';
import type { Bus } from './bus.ts';
import type { Change, ChangeEvent } from './change-log.ts';
import type { RedisLog } from './redis-client.ts';

export interface RedisBusOptions {
  /** Commands (PUBLISH); may be shared with presence and rate limits. Owned by the caller. */
  client: Redis;
  /** A connection of its own, since a subscribed connection runs no other command. Closed by the bus. */
  subscriber: Redis;
  /** Key prefix of the install (REDIS_PREFIX). */
  prefix: string;
  log?: RedisLog;
}

/** `liveblogId \n cursor \n event \n payload`: the payload is one line of JSON, so it is passed on as is, not re-encoded. */
export function encodeChange(c: Change): string {
  return `${c.liveblogId}\n${c.cursor}\n${c.event}\n${c.payload}`;
}

export function decodeChange(msg: string): Change | null {
  const a = msg.indexOf('\n');
  const b = msg.indexOf('\n', a + 1);
  const c = msg.indexOf('\n', b + 1);
  if (a < 1 || b < 0 || c < 0) return null;
  const cursor = Number(msg.slice(a + 1, b));
  if (!Number.isSafeInteger(cursor) || cursor < 1) return null;
  return { liveblogId: msg.slice(0, a), cursor, event: msg.slice(b + 1, c) as ChangeEvent, payload: msg.slice(c + 1) };
}

export class RedisBus implements Bus {
  private handlers: ((c: Change) => void)[] = [];
  private resumeHandlers: (() => void)[] = [];
  private readonly channel: string;
  /** Set once the first subscription is up: later ones are resumptions after an outage. */
  private subscribedOnce = false;
  private closed = false;

  constructor(private readonly o: RedisBusOptions) {
    this.channel = `${o.prefix}changes`;
    o.subscriber.on('message', (channel: string, msg: string) => {
      if (channel !== this.channel) return;
      const change = decodeChange(msg);
      if (change) this.deliverLocally(change);
      else o.log?.warn({ msg: msg.slice(0, 80) }, 'ignored a malformed bus message');
    });
    // Subscribing by hand on each 'ready' (autoResubscribe is off) tells us when the
    // subscription is live again; only then is a catch-up from the log complete.
    o.subscriber.on('ready', () => void this.listen());
    if (o.subscriber.status === 'ready') void this.listen();
  }

  private async listen(): Promise<void> {
    try {
      await this.o.subscriber.subscribe(this.channel);
    } catch (err) {
      // The connection dropped again; the next 'ready' retries.
      this.o.log?.warn({ err: (err as Error).message }, 'Redis subscribe failed; will retry on reconnect');
      return;
    }
    if (this.closed) return;
    if (this.subscribedOnce) {
      this.o.log?.info({ channel: this.channel }, 'bus resumed: catching up from the change log');
      for (const h of this.resumeHandlers) h();
    }
    this.subscribedOnce = true;
  }

  private deliverLocally(change: Change): void {
    for (const h of this.handlers) h(change);
  }

  /**
   * This node's readers get the change at once, Redis or not (hubs drop the echo by its
   * cursor). Rejects when Redis is down; the write has committed and the services ignore
   * it: other nodes read the change from the log when their resync or resume comes.
   */
  async publish(change: Change): Promise<void> {
    this.deliverLocally(change);
    await this.o.client.publish(this.channel, encodeChange(change));
  }

  subscribe(handler: (change: Change) => void): void {
    this.handlers.push(handler);
  }

  onResume(handler: () => void): void {
    this.resumeHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers = [];
    this.resumeHandlers = [];
    this.o.subscriber.disconnect();
  }
}
