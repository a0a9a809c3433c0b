/** Turns a parsed live page into a live blog with its entries, oldest first, at their printed times. */
import type { Deps } from '../deps.ts';
import type { Services } from '../app.ts';
import type { User } from '../auth/roles.ts';
import { iso } from '../time.ts';
import { parseLivePage } from './live-page-parser.ts';

export interface ImportReport {
  liveblogId: string;
  slug: string;
  imported: number;
  skipped: { time: string; reason: string }[];
}

const IMPORT_EMAIL = 'newsroom@unfold.invalid';

/** The account imported entries are credited to. */
async function importUser(d: Deps, s: Services): Promise<User> {
  const existing = await s.users.byEmail(IMPORT_EMAIL);
  if (existing) return existing;
  return s.users.create({ email: IMPORT_EMAIL, name: 'Newsroom', role: 'editor', passwordHash: null }, iso(d.clock()));
}

export async function importLivePage(
  d: Deps,
  s: Services,
  text: string,
  opts: { title?: string; date?: string; status?: 'draft' | 'live' | 'ended' } = {},
): Promise<ImportReport> {
  const page = parseLivePage(text);
  const date = opts.date ?? page.headerDate;
  if (!date) throw new Error('the page has no date in its header: pass --date YYYY-MM-DD');
  if (!/^(GMT|UTC|Z)$/i.test(page.zone)) throw new Error(`times in ${page.zone} are not supported yet: only GMT/UTC`);
  const at = (hhmm: string) => new Date(`${date}T${hhmm}:00.000Z`);
  if (page.entries.some((e) => Number.isNaN(at(e.time).getTime()))) throw new Error(`not a valid date: ${date}`);
  const user = await importUser(d, s);
  const chronological = [...page.entries].reverse();
  const start = chronological.length ? at(chronological[0].time) : d.clock();
  const lb = await s.liveblogs.create(
    user,
    { title: opts.title ?? page.title, lead: page.lead, description: page.description, status: opts.status ?? 'live' },
    start,
  );
  for (const e of chronological) {
    await s.entries.create(user, lb.id, { headline: e.headline, body: e.body, publishedAt: iso(at(e.time)) });
  }
  return { liveblogId: lb.id, slug: lb.slug, imported: chronological.length, skipped: page.skipped };
}
