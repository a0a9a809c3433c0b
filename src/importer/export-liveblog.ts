/** A live blog with all its published entries, oldest first, as one JSON document. */
import type { Deps } from '../deps.ts';
import type { Services } from '../app.ts';
import type { Liveblog } from '../liveblogs/liveblog-view.ts';
import type { Entry } from '../entries/entry-view.ts';

export async function exportLiveblog(_d: Deps, s: Services, id: string): Promise<{ liveblog: Liveblog; entries: Entry[] }> {
  // Export is an operator's tool: it sees drafts too.
  const staff = { id: 'cli', email: 'cli@unfold.invalid', name: 'CLI', role: 'admin' as const };
  const liveblog = await s.liveblogs.read(id, staff);
  const entries: Entry[] = [];
  let before: string | undefined;
  do {
    const page = await s.entries.list(id, staff, 100, before);
    entries.push(...page.items);
    before = page.next ?? undefined;
  } while (before);
  return { liveblog, entries: entries.reverse() };
}
