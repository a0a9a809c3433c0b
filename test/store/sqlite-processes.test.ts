/**
 * One SQLite file, two processes (`serve --workers N`): a transaction that reads before it
 * writes must wait for the other process's write lock, not fail with SQLITE_BUSY.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { connect } from '../../src/db/connect.ts';

// Takes the write lock, says so, holds it 400 ms, commits its row.
const HOLDER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.exec('begin immediate');
db.exec('insert into t (x) values (1)');
process.stdout.write('locked\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
db.exec('commit');
db.close();
`;

test('sqlite: a read-then-write transaction waits for another process holding the write lock', { timeout: 30_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-sqlite-procs-'));
  const db = await connect({ dataDir: dir, databaseUrl: null });
  try {
    await sql`create table t (x integer)`.execute(db.kysely);
    const holder = spawn(process.execPath, ['-e', HOLDER, path.join(dir, 'unfold.sqlite')], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    holder.stderr!.on('data', (b: Buffer) => (err += b));
    const exited = new Promise<number | null>((r) => holder.once('exit', r));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the lock holder did not start: ${err}`)), 15_000);
      holder.stdout!.on('data', (b: Buffer) => {
        if (b.toString().includes('locked')) {
          clearTimeout(t);
          resolve();
        }
      });
      holder.once('exit', () => reject(new Error(`the lock holder exited early: ${err}`)));
    });
    await db.kysely.transaction().execute(async (trx) => {
      await sql`select count(*) from t`.execute(trx);
      await sql`insert into t (x) values (2)`.execute(trx);
    });
    assert.equal(await exited, 0, err);
    const rows = await sql<{ x: number }>`select x from t order by x`.execute(db.kysely);
    assert.deepEqual(rows.rows.map((r) => r.x), [1, 2]);
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
