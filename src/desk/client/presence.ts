/**
 * The desk's presence: report who we are and what we edit; learn the same of colleagues,
 * and whether the desk's queues (submissions, own drafts) changed since the last beat —
 * those never reach the public live stream, so this is how a colleague's submission shows.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';

export interface DeskMember {
  user: { id: string; name: string };
  editing: string | null;
}

export interface Presence {
  members: DeskMember[];
  /**
   * Beats now and takes the queues' fingerprint as seen, without reporting a change. The
   * desk calls it right before it reloads its lists for any other reason (its own write, a
   * public change): the fingerprint is read before the lists, so the lists hold at least
   * what it counts, and the next beat reports only what changed after — not the desk's own
   * write a second time. Never rejects; resolves at once while presence is off, and after
   * SYNC_WAIT_MS on a connection too slow to answer: its late answer is then compared like a
   * timer beat's, as it may have been read after the lists.
   */
  sync: () => Promise<void>;
  /** Forgets the fingerprint taken, so the next beat reloads (the lists failed to load after it). */
  stale: () => void;
}

const EVERY_MS = 5_000;
const SYNC_WAIT_MS = 3_000;

interface Beat {
  items: DeskMember[];
  queue?: string;
}

/** `onQueueChange` runs when the queues' fingerprint differs from the last one taken. */
export function usePresence(liveblogId: string, editing: string | null, enabled: boolean, onQueueChange: () => void): Presence {
  const [members, setMembers] = useState<DeskMember[]>([]);
  const now = useRef({ liveblogId, editing, enabled, onQueueChange });
  now.current = { liveblogId, editing, enabled, onQueueChange };
  const queue = useRef<string | null>(null);
  // Beats overlap (the timer's and a sync); an answer older than one already taken is
  // dropped, or an older fingerprint answered late would look like a change.
  const started = useRef(0);
  const answered = useRef(0);

  const beat = useRef(async (ask: { adopt: boolean }): Promise<void> => {
    const { liveblogId: lb, editing: ed, enabled: on } = now.current;
    if (!on) return;
    const seq = ++started.current;
    const r = await api<Beat>('PUT', `/api/v1/liveblogs/${lb}/desk-presence`, { editing: ed }).catch(() => null);
    if (!r || seq < answered.current || now.current.liveblogId !== lb) return;
    answered.current = seq;
    setMembers(r.items);
    if (r.queue === undefined) return;
    const changed = !ask.adopt && queue.current !== null && queue.current !== r.queue;
    queue.current = r.queue;
    if (changed) now.current.onQueueChange();
  }).current;

  useEffect(() => {
    if (!enabled) return;
    void beat({ adopt: false });
    const timer = setInterval(() => void beat({ adopt: false }), EVERY_MS);
    return () => clearInterval(timer);
  }, [liveblogId, editing, enabled]);
  useEffect(() => {
    queue.current = null; // another live blog's queues
  }, [liveblogId]);
  useEffect(() => () => void api('DELETE', `/api/v1/liveblogs/${liveblogId}/desk-presence`).catch(() => {}), [liveblogId]);
  // Unmounted: a reload still running must not beat again after the DELETE above.
  useEffect(
    () => () => {
      now.current = { ...now.current, enabled: false };
    },
    [],
  );
  const sync = async () => {
    const ask = { adopt: true };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slow = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        ask.adopt = false;
        resolve();
      }, SYNC_WAIT_MS);
    });
    await Promise.race([beat(ask), slow]);
    clearTimeout(timer);
  };
  // Never equal to a fingerprint, and not null (null takes the next one without a reload).
  const stale = () => void (queue.current = '?');
  return { members, sync, stale };
}
