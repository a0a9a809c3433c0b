/**
 * Who is on the desk of a live blog, and which entry each is editing. Desks report every
 * few seconds; whoever has not reported within TTL_MS has gone. One interface, two
 * stores chosen in runtime.ts like the bus: this process's memory (one node), or Redis
 * (redis-desk-presence-store.ts) so desks behind different nodes see each other.
 */
import type { User } from '../auth/roles.ts';

export const TTL_MS = 40_000;

export interface DeskMember {
  user: { id: string; name: string };
  /** The entry being edited, or null. */
  editing: string | null;
  seenAt: string;
}

export interface DeskPresenceStore {
  /** Records that `user` is on this desk (editing `editing`) and answers everyone present, by name. */
  beat(liveblogId: string, user: Pick<User, 'id' | 'name'>, editing: string | null): Promise<DeskMember[]>;
  leave(liveblogId: string, userId: string): Promise<void>;
  close(): Promise<void>;
}

export const byName = (a: DeskMember, b: DeskMember) => a.user.name.localeCompare(b.user.name) || a.user.id.localeCompare(b.user.id);

export class MemoryDeskPresence implements DeskPresenceStore {
  private desks = new Map<string, Map<string, { name: string; editing: string | null; at: number }>>();

  constructor(private readonly now: () => number = Date.now) {}

  async beat(liveblogId: string, user: Pick<User, 'id' | 'name'>, editing: string | null): Promise<DeskMember[]> {
    let desk = this.desks.get(liveblogId);
    if (!desk) this.desks.set(liveblogId, (desk = new Map()));
    desk.set(user.id, { name: user.name, editing, at: this.now() });
    return this.list(liveblogId);
  }

  async leave(liveblogId: string, userId: string): Promise<void> {
    this.desks.get(liveblogId)?.delete(userId);
  }

  private list(liveblogId: string): DeskMember[] {
    const desk = this.desks.get(liveblogId);
    if (!desk) return [];
    const now = this.now();
    const out: DeskMember[] = [];
    for (const [id, m] of desk) {
      if (now - m.at > TTL_MS) desk.delete(id);
      else out.push({ user: { id, name: m.name }, editing: m.editing, seenAt: new Date(m.at).toISOString() });
    }
    if (desk.size === 0) this.desks.delete(liveblogId);
    return out.sort(byName);
  }

  async close(): Promise<void> {
    this.desks.clear();
  }
}
