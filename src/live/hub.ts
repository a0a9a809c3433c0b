/**
 * The stream hub of one node: for each live blog with readers here, it puts the changes
 * from the bus in cursor order (filling gaps from the change log), builds each SSE frame
 * once, and writes that same Buffer to every reader. A reader that does not keep up is
 * dropped, never awaited: it reconnects and replays what it missed.
 */
import type { ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Bus } from './bus.ts';
import { changesAfter, cursorBounds, type Change } from './change-log.ts';
import { REPLAY_PAGE, replayFromLog } from './hub-replay.ts';
import { HEARTBEAT, chunked, sseFrame } from './sse.ts';
import type { Wire } from './hub-wire.ts';
import { HEARTBEAT_CHUNK, RESET, buffered, endStream, entryIdOf, openReader, send, type Reader } from './hub-wire.ts';
import type { Presence } from './presence.ts';

export interface HubOptions {
  db: Kysely<Database>;
  bus: Bus;
  presence: Presence;
  heartbeatMs: number;
  maxBuffer: number;
  resyncMs: number;
  /** How often reader counts are broadcast (only when they changed). */
  presenceMs?: number;
  ringSize?: number;
  log?: { warn(obj: unknown, msg?: string): void };
}

interface Channel {
  id: string;
  last: number;
  ready: Promise<void>;
  isReady: boolean;
  early: Change[];
  readers: Set<Reader>;
  /** Recent changes for reconnects: each frame with its HTTP chunk (the frame is a view into it). */
  ring: Wire[];
  held: Map<number, Change>;
  filling: boolean;
  /** A fill was asked for while one ran: its read may predate the change that asked. */
  refill: boolean;
  lastPresence: number;
  idleSince: number;
  /** When this channel last wrote to all its readers (a change or presence): a heartbeat is only for quiet streams. */
  lastSent: number;
  /** Changes accepted since the last fan-out, in cursor order; written by `flush`. */
  outbox: Wire[];
  /** The pending fan-out: right after the task that brought the change ('now'), or in the check phase. */
  flushing: NodeJS.Immediate | 'now' | null;
  /** A fan-out ran since the event loop last reached its check phase: changes arriving now are batched. */
  busy: boolean;
}

const IDLE_CHANNEL_MS = 60_000;

/** A change as an SSE frame and as one HTTP chunk, in one Buffer: the frame is a view into the chunk. */
function wire(cursor: number, event: string, data: string): { frame: Buffer; chunk: Buffer } {
  const bare = sseFrame({ id: cursor, event, data });
  const chunk = chunked(bare);
  return { frame: chunk.subarray(chunk.length - 2 - bare.length, chunk.length - 2), chunk };
}

export class Hub {
  private channels = new Map<string, Channel>();
  private timers: NodeJS.Timeout[] = [];
  private readonly ringSize: number;
  private closed = false;

  constructor(private readonly o: HubOptions) {
    this.ringSize = o.ringSize ?? 512;
    o.bus.subscribe((c) => this.onChange(c));
    o.bus.onResume(() => this.resyncAll());
    // Checked four times per interval, so a quiet stream still hears from us at least once
    // per heartbeatMs, while a stream that carried a change meanwhile gets no heartbeat.
    this.timers.push(setInterval(() => this.heartbeat(), o.heartbeatMs / 4));
    this.timers.push(setInterval(() => this.resyncAll(), o.resyncMs));
    this.timers.push(setInterval(() => void this.broadcastPresence(), o.presenceMs ?? 5_000));
    for (const t of this.timers) t.unref();
  }

  /** Number of readers connected to this node (all live blogs). */
  get readerCount(): number {
    let n = 0;
    for (const ch of this.channels.values()) n += ch.readers.size;
    return n;
  }

  /** Readers of one live blog on this node. */
  localReaders(liveblogId: string): number {
    return this.channels.get(liveblogId)?.readers.size ?? 0;
  }

  /**
   * Attaches a response (headers not yet sent) as a reader. With `lastEventId` it first
   * receives every change after that cursor, in order, exactly once; then the live ones.
   * Throws only before the stream has started (the caller may still answer 503 then).
   * Resolves true when the stream is direct (hub-wire.ts): the hub writes to and ends the
   * socket itself, so nothing will ever finish `res`.
   */
  async addReader(liveblogId: string, res: ServerResponse, lastEventId: number | null): Promise<boolean> {
    const ch = this.channel(liveblogId);
    await ch.ready;
    if (res.destroyed) return false;
    // Shutting down: close at once so the client reconnects to a node that is staying.
    if (this.closed) {
      res.destroy();
      return false;
    }
    const reader = this.open(ch, res, lastEventId ?? ch.last);
    // A reader ahead of this node (it came from a faster one) waits for the bus, if its cursor exists.
    if (reader.pos > ch.last) await this.checkAhead(ch, reader);
    else if (reader.pending) await this.replayFromLog(ch, reader);
    return reader.sock !== null;
  }

  /**
   * Starts the stream and sends what memory holds: the head, the reader count and, for
   * most reconnects (they are recent), the missed changes from the ring — synchronously,
   * so nothing interleaves, and corked, so the socket gets one write instead of one for
   * each (a reconnect storm is 10k of these at once). Older cursors replay from the log.
   */
  private open(ch: Channel, res: ServerResponse, pos: number): Reader {
    const sock = res.socket;
    sock?.cork();
    try {
      const reader = openReader(res, pos);
      res.on('close', () => this.removeReader(ch, reader));
      ch.readers.add(reader);
      ch.idleSince = 0;
      this.sendPresenceTo(ch, reader);
      if (reader.pos < ch.last) {
        const ringStart = ch.ring.length ? ch.ring[0].cursor : Infinity;
        if (reader.pos + 1 >= ringStart) {
          for (const f of ch.ring) if (f.cursor > reader.pos) send(reader, f.frame, f.chunk);
          reader.pos = ch.last;
        } else reader.pending = [];
      }
      return reader;
    } finally {
      sock?.uncork();
    }
  }

  private async checkAhead(ch: Channel, reader: Reader): Promise<void> {
    const bounds = await cursorBounds(this.o.db, ch.id).catch(() => null);
    if (bounds && reader.pos > bounds.current) this.reset(ch, reader);
  }

  private async replayFromLog(ch: Channel, reader: Reader): Promise<void> {
    try {
      if ((await replayFromLog(this.o.db, ch.id, reader)) === 'reset') this.reset(ch, reader);
    } catch (err) {
      this.o.log?.warn({ err, liveblogId: ch.id }, 'replay failed; dropping reader so it retries');
      reader.res.destroy();
    }
  }

  private reset(ch: Channel, reader: Reader): void {
    endStream(reader, RESET);
    this.removeReader(ch, reader);
  }

  private channel(id: string): Channel {
    let ch = this.channels.get(id);
    if (ch) return ch;
    const created: Channel = {
      id,
      last: 0,
      isReady: false,
      ready: Promise.resolve(),
      early: [],
      readers: new Set(),
      ring: [],
      held: new Map(),
      filling: false,
      refill: false,
      lastPresence: -1,
      idleSince: 0,
      lastSent: Date.now(),
      outbox: [],
      flushing: null,
      busy: false,
    };
    // Changes that arrive while we read the starting cursor are kept in `early`, then sorted in.
    created.ready = (async () => {
      const bounds = await cursorBounds(this.o.db, id);
      created.last = bounds?.current ?? 0;
      created.isReady = true;
      for (const c of created.early) this.accept(created, c);
      created.early = [];
    })();
    created.ready.catch(() => this.channels.delete(id));
    this.channels.set(id, created);
    return created;
  }

  private onChange(c: Change): void {
    const ch = this.channels.get(c.liveblogId);
    if (!ch) return;
    if (!ch.isReady) ch.early.push(c);
    else this.accept(ch, c);
  }

  private accept(ch: Channel, c: Change): void {
    if (c.cursor <= ch.last) return;
    if (c.cursor !== ch.last + 1) {
      // Another node committed an earlier cursor that has not reached us yet: hold this
      // one and fetch the gap from the change log, so readers never see N+1 before N.
      ch.held.set(c.cursor, c);
      void this.fill(ch);
      return;
    }
    this.deliver(ch, c);
    let next: Change | undefined;
    while ((next = ch.held.get(ch.last + 1))) {
      ch.held.delete(next.cursor);
      this.deliver(ch, next);
    }
    for (const k of ch.held.keys()) if (k <= ch.last) ch.held.delete(k);
  }

  /**
   * Takes a change in order: the ring has it at once (a reader arriving now replays it from
   * memory); the readers get it in the next fan-out (docs/decisions/007).
   * - Idle, the fan-out runs as soon as the task that brought the change is done (a
   *   microtask), ahead of the writer's HTTP answer: readers are who the change is for,
   *   and the writer's desk already shows it.
   * - Busy (a fan-out ran since the event loop last reached its check phase), it waits for
   *   that phase (setImmediate), after the I/O that is ready has been handled, and every
   *   change that came in meanwhile leaves with it, as one write per reader instead of one
   *   each. A fan-out costs about the same for one frame as for three, so under a rate one
   *   core cannot fan out change by change, a backlog drains instead of growing.
   */
  private deliver(ch: Channel, c: Change): void {
    // Both wire forms are built once per change; the fan-out only picks one per reader.
    const { frame, chunk } = wire(c.cursor, c.event, c.payload);
    ch.last = c.cursor;
    const entryId = entryIdOf(c.payload);
    // As in the change log: a deleted entry's earlier frames no longer replay its text.
    if (c.event === 'entry.deleted' && entryId) {
      for (const f of ch.ring) {
        if (f.entryId === entryId) Object.assign(f, wire(f.cursor, c.event, c.payload));
      }
    }
    ch.ring.push({ cursor: c.cursor, frame, chunk, entryId });
    if (ch.ring.length > this.ringSize) ch.ring.shift();
    ch.outbox.push({ cursor: c.cursor, frame, chunk });
    ch.lastSent = Date.now();
    if (ch.flushing !== null) return;
    if (ch.busy) {
      ch.flushing = setImmediate(() => this.flush(ch));
    } else {
      ch.flushing = 'now';
      queueMicrotask(() => this.flush(ch));
    }
  }

  /** The fan-out: every change in the outbox to every reader that lacks it, in one write each. */
  private flush(ch: Channel): void {
    ch.flushing = null;
    const box = ch.outbox;
    if (box.length === 0) return;
    ch.outbox = [];
    if (!ch.busy) {
      ch.busy = true;
      setImmediate(() => (ch.busy = false));
    }
    const first = box[0].cursor;
    const last = box[box.length - 1].cursor;
    // The frames joined once for all readers (one change: its own Buffers, no copy).
    const all = box.length === 1 ? box[0] : { frame: Buffer.concat(box.map((w) => w.frame)), chunk: Buffer.concat(box.map((w) => w.chunk)) };
    const max = this.o.maxBuffer;
    for (const r of ch.readers) {
      if (r.pending) {
        for (const w of box) r.pending.push(w);
        r.pendingBytes += all.frame.length;
        if (r.pendingBytes > max) r.res.destroy(); // replay ends at its next step
      } else if (last > r.pos) {
        if (buffered(r) > max) {
          r.res.destroy(); // too slow: it will reconnect with Last-Event-ID and replay
          continue;
        }
        // A reader that joined after part of the box was taken (it replayed those) gets the rest.
        if (r.pos < first) send(r, all.frame, all.chunk);
        else for (const w of box) if (w.cursor > r.pos) send(r, w.frame, w.chunk);
        r.pos = last;
      }
    }
  }

  /** Reads the change log after the last delivered cursor and delivers what it finds. */
  private async fill(ch: Channel): Promise<void> {
    if (!ch.isReady) return;
    if (ch.filling) {
      // Without another pass, a change held now would wait for the next resync.
      ch.refill = true;
      return;
    }
    ch.filling = true;
    try {
      do {
        ch.refill = false;
        for (;;) {
          const page = await changesAfter(this.o.db, ch.id, ch.last, REPLAY_PAGE);
          for (const c of page) this.accept(ch, c);
          if (page.length < REPLAY_PAGE) break;
        }
      } while (ch.refill);
    } catch (err) {
      this.o.log?.warn({ err, liveblogId: ch.id }, 'change log unreachable; will retry');
    } finally {
      ch.filling = false;
    }
  }

  /** Catches every channel up from the change log (after a bus outage, and periodically). */
  resyncAll(): void {
    const now = Date.now();
    for (const ch of this.channels.values()) {
      if (ch.readers.size === 0 && ch.idleSince && now - ch.idleSince > IDLE_CHANNEL_MS) {
        this.channels.delete(ch.id);
        continue;
      }
      void this.fill(ch);
    }
  }

  private removeReader(ch: Channel, reader: Reader): void {
    if (ch.readers.delete(reader) && ch.readers.size === 0) ch.idleSince = Date.now();
  }

  private heartbeat(): void {
    const now = Date.now();
    for (const ch of this.channels.values()) {
      if (now - ch.lastSent < (this.o.heartbeatMs * 3) / 4) continue;
      ch.lastSent = now;
      for (const r of ch.readers) if (buffered(r) <= this.o.maxBuffer) send(r, HEARTBEAT, HEARTBEAT_CHUNK);
    }
  }

  private presenceFrame(n: number): Buffer {
    return sseFrame({ event: 'presence', data: `{"readers":${n}}` });
  }

  private sendPresenceTo(ch: Channel, reader: Reader): void {
    send(reader, this.presenceFrame(Math.max(ch.lastPresence, ch.readers.size)));
  }

  private async broadcastPresence(): Promise<void> {
    for (const ch of this.channels.values()) {
      const total = await this.o.presence.total(ch.id, ch.readers.size).catch(() => ch.readers.size);
      if (total === ch.lastPresence || ch.readers.size === 0) continue;
      ch.lastPresence = total;
      ch.lastSent = Date.now();
      const frame = this.presenceFrame(total);
      const chunk = chunked(frame);
      for (const r of ch.readers) if (!r.pending && buffered(r) <= this.o.maxBuffer) send(r, frame, chunk);
    }
  }

  /** Ends every stream (clients reconnect elsewhere) and stops the timers. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const ch of this.channels.values()) {
      if (ch.flushing !== null && ch.flushing !== 'now') clearImmediate(ch.flushing);
      for (const r of ch.readers) endStream(r);
      ch.readers.clear();
    }
    this.channels.clear();
  }
}
