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

const EVERY_MS = 5_000;

/** `onQueueChange` runs when the queues' fingerprint differs from the one the beat before brought. */
export function usePresence(liveblogId: string, editing: string | null, enabled: boolean, onQueueChange: () => void): DeskMember[] {
  const [members, setMembers] = useState<DeskMember[]>([]);
  const changed = useRef(onQueueChange);
  changed.current = onQueueChange;
  const queue = useRef<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const beat = () =>
      api<{ items: DeskMember[]; queue?: string }>('PUT', `/api/v1/liveblogs/${liveblogId}/desk-presence`, { editing })
        .then((r) => {
          if (stopped) return;
          setMembers(r.items);
          if (r.queue === undefined) return;
          if (queue.current !== null && queue.current !== r.queue) changed.current();
          queue.current = r.queue;
        })
        .catch(() => {});
    void beat();
    const timer = setInterval(beat, EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [liveblogId, editing, enabled]);
  useEffect(() => {
    queue.current = null; // another live blog's queues
  }, [liveblogId]);
  useEffect(() => () => void api('DELETE', `/api/v1/liveblogs/${liveblogId}/desk-presence`).catch(() => {}), [liveblogId]);
  return members;
}
