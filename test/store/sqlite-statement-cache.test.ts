/**
 * The SQLite statement cache (src/db/connect.ts): the same SQL is prepared once and reused
 * with new parameters, and a streamed select (which holds its statement while it runs)
 * leaves it usable, whether it ran to the end or was left early.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { connect } from '../../src/db/connect.ts';

test('reused statements take new parameters; a streamed select, left early or finished, leaves the same SQL usable', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-stmt-'));
  const db = await connect({ dataDir, databaseUrl: null });
  try {
    await sql`create table t (n integer primary key, label text)`.execute(db.kysely);
    const k = db.kysely as unknown as import('kysely').Kysely<{ t: { n: number; label: string } }>;
    for (let n = 1; n <= 5; n++) await k.insertInto('t').values({ n, label: `row ${n}` }).execute();
    for (let n = 1; n <= 5; n++) {
      assert.deepEqual(await k.selectFrom('t').select('label').where('n', '=', n).execute(), [{ label: `row ${n}` }]);
    }
    // A stream keeps its statement open while it runs (Kysely holds the one connection
    // meanwhile); left early or run to the end, the same SQL works again afterwards.
    const query = () => k.selectFrom('t').select('n').where('n', '>', 0).orderBy('n');
    for await (const row of query().stream()) if (row.n === 2) break;
    assert.deepEqual((await query().execute()).map((r) => r.n), [1, 2, 3, 4, 5]);
    const streamed: number[] = [];
    for await (const row of query().stream()) streamed.push(row.n);
    assert.deepEqual(streamed, [1, 2, 3, 4, 5]);
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
