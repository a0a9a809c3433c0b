import { Migrator, type Kysely, type Migration } from 'kysely';
import * as m001 from './migrations/001-init.ts';
import * as m002 from './migrations/002-desk.ts';
import * as m004 from './migrations/004-change-entry-id.ts';

/** Migrations in order. Add a file to migrations/ and list it here. */
const MIGRATIONS: Record<string, Migration> = {
  '001-init': m001,
  '002-desk': m002,
  '004-change-entry-id': m004,
};

/** Brings the schema to the newest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
