/**
 * How the hub writes to one reader: the Reader record, the shared frames, and the few
 * helpers the fan-out loop calls per socket. Kept apart so the loop stays readable.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { HEARTBEAT, chunked, sseFrame } from './sse.ts';

export interface Reader {
  res: ServerResponse;
  /**
   * The fan-out writes the prebuilt wire bytes straight to this socket: ServerResponse.write
   * would frame the chunk again for each reader (hex length, CRLFs, cork + nextTick). Null
   * when `res` must do the writing: a HEAD request (no body), or a response queued behind
   * an earlier one on the same connection (pipelining), whose bytes `res` still holds back.
   */
  sock: Socket | null;
  /** Whether this response uses chunked transfer coding (HTTP/1.1) or a bare body (HTTP/1.0). */
  chunked: boolean;
  /** Highest cursor this reader has been sent; frames at or below it are skipped. */
  pos: number;
  /** While the reader replays from the change log, live frames wait here. */
  pending: { cursor: number; frame: Buffer }[] | null;
  /** Bytes held in `pending`: bounded by maxBuffer like a live reader's socket queue. */
  pendingBytes: number;
}

/** Resolves true when `res` can take more, false when it closed first (never hangs on a dead socket). */
export function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
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

/** Writes one prebuilt frame to a reader: straight to its socket when it has one (see Reader.sock). */
export function send(r: Reader, frame: Buffer, chunk: Buffer): void {
  if (r.sock === null) r.res.write(frame);
  else if (!r.sock.destroyed) r.sock.write(r.chunked ? chunk : frame);
}
