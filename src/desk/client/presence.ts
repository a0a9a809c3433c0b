/** The desk's presence: report who we are and what we edit; learn the same of colleagues. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';

export interface DeskMember {
  user: { id: string; name: string };
  editing: string | null;
}

const EVERY_MS = 10_000;

export function usePresence(liveblogId: string, editing: string | null, enabled: boolean): DeskMember[] {
  const [members, setMembers] = useState<DeskMember[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const beat = () =>
      api<{ items: DeskMember[] }>('PUT', `/api/v1/liveblogs/${liveblogId}/desk-presence`, { editing })
        .then((r) => !stopped && setMembers(r.items))
        .catch(() => {});
    void beat();
    const timer = setInterval(beat, EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [liveblogId, editing, enabled]);
  useEffect(() => () => void api('DELETE', `/api/v1/liveblogs/${liveblogId}/desk-presence`).catch(() => {}), [liveblogId]);
  return members;
}
