/**
 * Who is on the desk of a live blog, and which entry each is editing. Desks report every
 * few seconds; whoever has not reported within TTL_MS has gone. Held in this process:
 * with several nodes each knows the desks connected to it (a shared store can replace
 * this class behind the same two methods).
 */
import type { User } from '../auth/roles.ts';

export const TTL_MS = 40_000;

export interface DeskMember {
  user: { id: string; name: string };
  /** The entry being edited, or null. */
  editing: string | null;
  seenAt: string;
}

export class DeskPresence {
  private desks = new Map<string, Map<string, { name: string; editing: string | null; at: number }>>();

  /** Records that `user` is on this desk (editing `editing`) and answers everyone present. */
  beat(liveblogId: string, user: User, editing: string | null, now: number): DeskMember[] {
    let desk = this.desks.get(liveblogId);
    if (!desk) this.desks.set(liveblogId, (desk = new Map()));
    desk.set(user.id, { name: user.name, editing, at: now });
    return this.list(liveblogId, now);
  }

  leave(liveblogId: string, userId: string): void {
    this.desks.get(liveblogId)?.delete(userId);
  }

  list(liveblogId: string, now: number): DeskMember[] {
    const desk = this.desks.get(liveblogId);
    if (!desk) return [];
    const out: DeskMember[] = [];
    for (const [id, m] of desk) {
      if (now - m.at > TTL_MS) desk.delete(id);
      else out.push({ user: { id, name: m.name }, editing: m.editing, seenAt: new Date(m.at).toISOString() });
    }
    if (desk.size === 0) this.desks.delete(liveblogId);
    return out.sort((a, b) => a.user.name.localeCompare(b.user.name));
  }
}
