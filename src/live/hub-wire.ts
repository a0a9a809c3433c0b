/**
 * How the hub writes to one reader: the Reader record, the shared frames, and the few
 * helpers the fan-out loop calls per socket. Kept apart so the loop stays readable.
 *
 * Two ways to the wire. Almost every reader is **direct**: the hub writes the response
 * head and every chunk straight to its socket, from Buffers shared by all readers — the
 * same single write per socket as a raw `net` server. ServerResponse would frame each
 * chunk again per reader (hex length, CRLFs, cork + nextTick) and keep its own copy of the
 * head as a tree of ~40 concatenated strings for the life of the stream (about 1.2 KB a
 * reader). The rest go through `res`, which must do the writing: a response queued behind
 * an earlier one on a pipelined connection (`res` still holds its bytes back) and HTTP/1.0
 * clients (no chunked coding).
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { HEARTBEAT, chunked, retryFrame, sseFrame } from './sse.ts';

/** One change on the wire: its SSE frame and the same frame as an HTTP chunk, built once for all readers. */
export interface Wire {
  cursor: number;
  frame: Buffer;
  chunk: Buffer;
  entryId?: string | null;
}

export interface Reader {
  res: ServerResponse;
  /** Set for a direct reader (see above); null when `res` does the writing. */
  sock: Socket | null;
  /** Highest cursor this reader has been sent; frames at or below it are skipped. */
  pos: number;
  /** While the reader replays from the change log, live frames wait here. */
  pending: Wire[] | null;
  /** Bytes held in `pending`: bounded by maxBuffer like a live reader's socket queue. */
  pendingBytes: number;
}

const HEAD_FIELDS = [
  'HTTP/1.1 200 OK',
  'content-type: text/event-stream; charset=utf-8',
  'cache-control: no-store',
  'connection: keep-alive',
  'x-accel-buffering: no',
  'transfer-encoding: chunked',
].join('\r\n');
const RETRY = retryFrame(2000);
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** The direct response head with the `retry:` chunk: one Buffer per second (its Date), shared. */
let head = { second: -1, bytes: Buffer.alloc(0) };
function directHead(): Buffer {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== head.second) {
    const bytes = Buffer.concat([Buffer.from(`${HEAD_FIELDS}\r\ndate: ${new Date(now).toUTCString()}\r\n\r\n`, 'latin1'), chunked(RETRY)]);
    head = { second, bytes };
  }
  return head.bytes;
}

/**
 * Starts the stream on `res` (headers not yet sent) and returns its Reader at `pos`.
 * Headers and the `retry:` frame come first on the wire, before anything else is written.
 */
export function openReader(res: ServerResponse, pos: number): Reader {
  const sock = res.socket ?? null;
  // res.writableLength counts what `res` holds back plus the socket's queue: equal means
  // nothing is held back, so this response owns the socket from here on.
  const direct = sock !== null && res.req?.httpVersion !== '1.0' && res.writableLength === sock.writableLength;
  if (direct) {
    sock.write(directHead());
  } else {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(RETRY);
  }
  return { res, sock: direct ? sock : null, pos, pending: null, pendingBytes: 0 };
}

/** The reader's connection is gone (closed by either side, or dropped). */
export const gone = (r: Reader): boolean => r.res.destroyed || (r.sock?.destroyed ?? false);

/** Bytes written to the reader that the network has not taken yet. */
export const buffered = (r: Reader): number => (r.sock ?? r.res).writableLength;

/**
 * Writes one prebuilt frame (`chunk` is the same frame as an HTTP chunk); false when the
 * reader should wait for 'drain'. `writable` reads only the socket's write state, which the
 * write touches anyway; `destroyed` would read its read state too, one more cache miss per
 * reader in a fan-out to 50k.
 */
export function send(r: Reader, frame: Buffer, chunk: Buffer = chunked(frame)): boolean {
  if (r.sock === null) return r.res.write(frame);
  return r.sock.writable ? r.sock.write(chunk) : false;
}

/** Ends the stream cleanly, after an optional last frame (a `reset`); the client reconnects. */
export function endStream(r: Reader, frame?: Buffer): void {
  if (r.sock === null) r.res.end(frame);
  else r.sock.end(frame ? Buffer.concat([chunked(frame), LAST_CHUNK]) : LAST_CHUNK);
}

/** Resolves true when the reader can take more, false when it closed first (never hangs on a dead socket). */
export function drained(r: Reader): Promise<boolean> {
  const res = r.res;
  const target = r.sock ?? res;
  if (gone(r)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      target.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    target.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** The entry id at the head of an entry payload (`{"entry":{"id":"…"`), without parsing it all. */
const ENTRY_ID = /^\{"entry":\{"id":"([^"]+)"/;
export function entryIdOf(payload: string): string | null {
  return ENTRY_ID.exec(payload)?.[1] ?? null;
}

export const RESET = sseFrame({ event: 'reset', data: '{}' });
export const HEARTBEAT_CHUNK = chunked(HEARTBEAT);
