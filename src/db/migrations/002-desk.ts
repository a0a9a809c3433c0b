import type { Kysely } from 'kysely';

/**
 * The desk: cookie sessions, corrections and verification labels on entries and their
 * revisions, and the editor's note on a returned submission. Schema builder only (one
 * ADD COLUMN per statement, which SQLite requires), so it runs on SQLite and PostgreSQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute();

  const entryColumns: [string, string][] = [
    ['verification', 'varchar(12)'],
    ['verification_note', 'text'],
    ['correction_note', 'text'],
    ['correction_at', 'varchar(30)'],
    ['return_note', 'text'],
    // Who made the current revision (null: the author), so the history names every editor.
    ['edited_by', 'varchar(32)'],
  ];
  for (const [name, type] of entryColumns) {
    await db.schema.alterTable('entries').addColumn(name, type as 'text').execute();
  }
  const revisionColumns: [string, string][] = [
    ['correction', 'text'],
    ['verification', 'varchar(12)'],
    ['verification_note', 'text'],
    ['status', 'varchar(12)'],
  ];
  for (const [name, type] of revisionColumns) {
    await db.schema.alterTable('entry_revisions').addColumn(name, type as 'text').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sessions').ifExists().execute();
  for (const c of ['verification', 'verification_note', 'correction_note', 'correction_at', 'return_note', 'edited_by']) {
    await db.schema.alterTable('entries').dropColumn(c).execute();
  }
  for (const c of ['correction', 'verification', 'verification_note', 'status']) {
    await db.schema.alterTable('entry_revisions').dropColumn(c).execute();
  }
}
