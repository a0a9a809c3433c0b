import type { Kysely } from 'kysely';

/**
 * The change log learns which entry a change is about, so that deleting an entry can
 * redact its earlier changes (a pulled entry must not live on in stream replays).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('changes').addColumn('entry_id', 'varchar(32)').execute();
  await db.schema.createIndex('changes_by_entry').on('changes').columns(['liveblog_id', 'entry_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('changes_by_entry').execute();
  await db.schema.alterTable('changes').dropColumn('entry_id').execute();
}
