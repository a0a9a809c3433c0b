/**
 * Catching one reader up from the change log: every change after its cursor, in order,
 * then the live frames that waited meanwhile (Reader.pending), each exactly once.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { changesAfter, cursorBounds } from './change-log.ts';
import { sseFrame } from './sse.ts';
import { drained, gone, send, type Reader } from './hub-wire.ts';

export const REPLAY_PAGE = 500;

/**
 * 'reset' when the cursor cannot be replayed (pruned, or never given out: the client
 * reloads); 'gone' when the reader left; 'done' when it is live. Throws on database errors.
 */
export async function replayFromLog(db: Kysely<Database>, liveblogId: string, reader: Reader): Promise<'done' | 'reset' | 'gone'> {
  const bounds = await cursorBounds(db, liveblogId);
  if (!bounds || reader.pos > bounds.current || reader.pos < bounds.oldest - 1) return 'reset';
  for (;;) {
    const page = await changesAfter(db, liveblogId, reader.pos, REPLAY_PAGE);
    for (const c of page) {
      if (gone(reader)) return 'gone';
      const ok = send(reader, sseFrame({ id: c.cursor, event: c.event, data: c.payload }));
      reader.pos = c.cursor;
      // Never wait on a socket that died: a dead reader must not pin the page in memory.
      if (!ok && !(await drained(reader))) return 'gone';
    }
    if (page.length < REPLAY_PAGE) break;
  }
  for (const p of reader.pending ?? []) {
    if (p.cursor > reader.pos) {
      send(reader, p.frame, p.chunk);
      reader.pos = p.cursor;
    }
  }
  reader.pending = null;
  return 'done';
}
