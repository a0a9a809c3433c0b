/**
 * For tests of the stream hub alone: a fresh SQLite database holding one live live blog
 * (`lb1`, cursor 0), and a response without a socket that records what the hub writes
 * through it (the ServerResponse path).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

export async function hubDatabase() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-hub-'));
  const db = await connect({ dataDir, databaseUrl: null });
  await migrateToLatest(db.kysely);
  const now = new Date().toISOString();
  await db.kysely.insertInto('liveblogs').values({
    id: 'lb1', slug: 'lb1', title: 't', lead: '', description: '', status: 'live', language: 'en', started_at: now, ended_at: null,
    audio_stream_url: null, comments_mode: 'open', cursor: 0, created_by: null, created_at: now, updated_at: now,
  }).execute();
  return {
    dataDir,
    db,
    async close() {
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Each write is kept apart; 'wrote' is emitted after each. */
export class FakeResponse extends EventEmitter {
  writes: string[] = [];
  destroyed = false;
  writableLength = 0;
  writeHead() {
    return this;
  }
  write(b: Buffer | string) {
    this.writes.push(b.toString());
    this.emit('wrote');
    return true;
  }
  end(b?: Buffer | string) {
    if (b) this.write(b);
  }
  destroy() {
    this.destroyed = true;
  }
  get text(): string {
    return this.writes.join('');
  }
  /** The change ids of each write that carried changes. */
  changeWrites(): number[][] {
    return this.writes.map((w) => [...w.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).filter((ids) => ids.length > 0);
  }
  ids(): number[] {
    return this.changeWrites().flat();
  }
  heartbeats(): number {
    return this.text.split(': heartbeat\n').length - 1;
  }
}
