/**
 * The bench's readers. One kind speaks HTTP/1.1 + SSE over a raw socket (chunked or not),
 * the other speaks Socket.IO's wire protocol (Engine.IO v4 over `ws`). Both are kept lean
 * so that the load process, not the server, is never the thing being measured; both
 * report each message as (cursor, sequence number) to one sink.
 */
import net from 'node:net';
import WebSocket from 'ws';
import { io, type Socket as IoSocket } from 'socket.io-client';
import { seqOf } from '../lib/payload.ts';

export interface Sink {
  /** The stream is open (headers or Socket.IO connect received). */
  open(r: Reader): void;
  message(r: Reader, cursor: number, seq: number): void;
  /** The connection ended or failed (not called after a deliberate drop). */
  closed(r: Reader, why: string): void;
}

export interface Target {
  /** sio: a lean Engine.IO v4 client over ws; sio-official: socket.io-client itself. */
  kind: 'sse' | 'sio' | 'sio-official';
  port: number;
  /** SSE: the stream path (query allowed). */
  path?: string;
}

export interface Reader {
  readonly index: number;
  /** Highest cursor received. */
  last: number;
  connect(localAddress: string, lastEventId?: number): void;
  /** Drops the connection on purpose, with no `closed` call. */
  drop(): void;
}

export function makeReader(t: Target, index: number, sink: Sink): Reader {
  if (t.kind === 'sse') return new SseReader(t, index, sink);
  return t.kind === 'sio' ? new SioReader(t, index, sink) : new SioOfficialReader(t, index, sink);
}

/** One read buffer for every SSE reader of this process: each read is copied out at once. */
const READ_BUFFER = Buffer.alloc(64 * 1024);

class SseReader implements Reader {
  last = 0;
  private sock: net.Socket | null = null;
  private headersDone = false;
  private chunked = false;
  private raw = '';
  private text = '';
  private dropped = false;
  constructor(private t: Target, readonly index: number, private sink: Sink) {}

  connect(localAddress: string, lastEventId?: number): void {
    this.headersDone = false;
    this.chunked = false;
    this.raw = this.text = '';
    this.dropped = false;
    // `onread` hands each read to us in one shared buffer, bypassing the Readable stream's
    // per-read Buffer, push and 'data' event: at 10k readers × 10 messages/s this process
    // reads 100k times a second on its one core, and near that core's limit its backlog,
    // not the server, would set the p99. The bytes become a string before the next read.
    const sock = net.connect({
      port: this.t.port,
      host: '127.0.0.1',
      localAddress,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number) => {
          this.onData(READ_BUFFER.toString('latin1', 0, n));
          return true;
        },
      },
    });
    this.sock = sock;
    sock.setNoDelay(true);
    const extra = lastEventId !== undefined ? `last-event-id: ${lastEventId}\r\n` : '';
    sock.write(`GET ${this.t.path ?? '/'} HTTP/1.1\r\nhost: 127.0.0.1:${this.t.port}\r\naccept: text/event-stream\r\n${extra}\r\n`);
    sock.on('error', () => {});
    sock.on('close', () => {
      if (!this.dropped && this.sock === sock) this.sink.closed(this, 'closed');
    });
  }

  drop(): void {
    this.dropped = true;
    this.sock?.destroy();
    this.sock = null;
  }

  private onData(s: string): void {
    if (!this.headersDone) {
      this.raw += s;
      const end = this.raw.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.raw.slice(0, end);
      if (!head.startsWith('HTTP/1.1 200')) {
        this.sink.closed(this, head.split('\r\n')[0]);
        this.drop();
        return;
      }
      this.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
      this.headersDone = true;
      s = this.raw.slice(end + 4);
      this.raw = '';
      this.sink.open(this);
      if (!s) return;
    }
    if (this.chunked) {
      this.raw += s;
      for (;;) {
        const eol = this.raw.indexOf('\r\n');
        if (eol < 0) break;
        const size = parseInt(this.raw.slice(0, eol), 16);
        if (this.raw.length < eol + 2 + size + 2) break;
        this.text += this.raw.slice(eol + 2, eol + 2 + size);
        this.raw = this.raw.slice(eol + 4 + size);
      }
    } else this.text += s;
    let end;
    while ((end = this.text.indexOf('\n\n')) >= 0) {
      const block = this.text.slice(0, end);
      this.text = this.text.slice(end + 2);
      this.onEvent(block);
    }
  }

  private onEvent(block: string): void {
    if (!block.startsWith('id: ')) return; // retry, presence, heartbeats: not changes
    const nl = block.indexOf('\n');
    const cursor = Number(block.slice(4, nl));
    this.last = cursor;
    this.sink.message(this, cursor, seqOf(block));
  }
}

class SioReader implements Reader {
  last = 0;
  private ws: WebSocket | null = null;
  private dropped = false;
  constructor(private t: Target, readonly index: number, private sink: Sink) {}

  connect(localAddress: string): void {
    this.dropped = false;
    const ws = new WebSocket(`ws://127.0.0.1:${this.t.port}/socket.io/?EIO=4&transport=websocket`, { localAddress, perMessageDeflate: false });
    this.ws = ws;
    ws.on('message', (d: Buffer) => {
      const s = d.toString('latin1');
      const type = s.charCodeAt(0);
      if (type === 0x34 /* 4 message */) {
        if (s.charCodeAt(1) === 0x32 /* 2 event */) {
          // 42["entry.published",<id>,{...}]
          const c = s.indexOf(',', 20);
          const cursor = Number(s.slice(c + 1, s.indexOf(',', c + 1)));
          this.last = cursor;
          this.sink.message(this, cursor, seqOf(s));
        } else if (s.charCodeAt(1) === 0x30 /* 0 connect */) this.sink.open(this);
      } else if (type === 0x32 /* 2 ping */) ws.send('3');
      else if (type === 0x30 /* 0 open */) ws.send('40');
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (!this.dropped && this.ws === ws) this.sink.closed(this, 'closed');
    });
  }

  drop(): void {
    this.dropped = true;
    this.ws?.terminate();
    this.ws = null;
  }
}

/** Socket.IO's own client (WebSocket only, no reconnection: the harness decides that). */
class SioOfficialReader implements Reader {
  last = 0;
  private socket: IoSocket | null = null;
  private dropped = false;
  constructor(private t: Target, readonly index: number, private sink: Sink) {}

  connect(localAddress: string): void {
    this.dropped = false;
    const socket = io(`http://127.0.0.1:${this.t.port}`, { transports: ['websocket'], forceNew: true, reconnection: false, localAddress } as Parameters<typeof io>[1]);
    this.socket = socket;
    socket.on('connect', () => this.sink.open(this));
    socket.on('entry.published', (cursor: number, data: { entry: { headline: string } }) => {
      this.last = cursor;
      this.sink.message(this, cursor, seqOf(data.entry.headline));
    });
    const closed = (why: string) => {
      if (!this.dropped && this.socket === socket) this.sink.closed(this, why);
    };
    socket.on('connect_error', () => closed('connect_error'));
    socket.on('disconnect', () => closed('closed'));
  }

  drop(): void {
    this.dropped = true;
    this.socket?.disconnect();
    this.socket = null;
  }
}
