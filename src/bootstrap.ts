/** Start-up work on the database: the first admin from the environment, the demo live blog. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deps } from './deps.ts';
import type { Services } from './app.ts';
import { hashPassword } from './auth/password.ts';
import { importLivePage, type ImportReport } from './importer/import-live-page.ts';
import { iso } from './time.ts';

export const DEMO_FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'live-page-lavrov-2018.txt');
/** The conference was on Monday 15 January 2018 (the page header shows when it was last touched). */
export const DEMO_DATE = '2018-01-15';

export async function ensureAdmin(d: Deps, s: Services): Promise<boolean> {
  const { adminEmail, adminPassword } = d.config;
  if (!adminEmail || !adminPassword) return false;
  const staff = await d.db.kysely.selectFrom('users').select('id').where('role', '!=', 'reader').where('password_hash', 'is not', null).executeTakeFirst();
  if (staff) return false;
  await s.users.create({ email: adminEmail, name: 'Admin', role: 'admin', passwordHash: await hashPassword(adminPassword) }, iso(d.clock()));
  return true;
}

/** Loads the demo live blog when the database has no live blog at all. */
export async function ensureDemo(d: Deps, s: Services): Promise<ImportReport | null> {
  if (!d.config.demo) return null;
  const any = await d.db.kysely.selectFrom('liveblogs').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  return importLivePage(d, s, fs.readFileSync(DEMO_FIXTURE, 'utf8'), { date: DEMO_DATE });
}
