/**
 * `node --import tsx bench/tools/cold-queries.ts`: the write path's queries as Kysely's
 * builder writes them against the plain `sql` text now in src/ (bench/notes.md, fix 13),
 * each call with cold caches — a 48 MB sweep before every call, as a live blog's writes
 * come seconds apart — in interleaved rounds on one SQLite file. Prints p50 / p90 per variant.
 */
import { sql } from 'kysely';
import { makeTestApp } from '../../test/helpers/test-app.ts';

const app = await makeTestApp();
try {
  await app.tokenFor('editor');
  const db = app.deps.db.kysely;
  const user = await db.selectFrom('users').select(['id', 'name', 'email', 'role']).executeTakeFirstOrThrow();
  const lb = (await app.services.liveblogs.create({ ...user, role: 'editor' } as never, { title: 'Cold', status: 'live' })).id;
  const hash = () => `h${Math.random()}`;
  const cursor = () => Math.floor(Math.random() * 1e12);

  const variants: Record<string, () => Promise<unknown>> = {
    'token, builder': () =>
      db.selectFrom('tokens').innerJoin('users', 'users.id', 'tokens.user_id')
        .select(['users.id', 'users.email', 'users.name', 'users.role', 'tokens.id as tokenId', 'tokens.last_used_at'])
        .where('tokens.token_hash', '=', hash()).where('tokens.revoked_at', 'is', null).where('users.disabled', '=', 0)
        .executeTakeFirst(),
    'token, sql': () =>
      sql`select users.id, users.email, users.name, users.role, tokens.id as "tokenId", tokens.last_used_at
          from tokens join users on users.id = tokens.user_id
          where tokens.token_hash = ${hash()} and tokens.revoked_at is null and users.disabled = 0`.execute(db),
    'live blog, builder': () => db.selectFrom('liveblogs').selectAll().where('id', '=', lb).executeTakeFirst(),
    'live blog, sql': () => sql`select * from liveblogs where id = ${lb}`.execute(db),
    'cursor, builder': () => db.updateTable('liveblogs').set({ cursor: sql`cursor + 1` }).where('id', '=', lb).returning('cursor').executeTakeFirstOrThrow(),
    'cursor, sql': () => sql`update liveblogs set cursor = cursor + 1 where id = ${lb} returning cursor`.execute(db),
    'change, builder': () =>
      db.insertInto('changes').values({ liveblog_id: lb, cursor: cursor(), event: 'entry.published', payload: '{}', created_at: 'now', entry_id: null }).execute(),
    'change, sql': () =>
      sql`insert into changes (liveblog_id, cursor, event, payload, created_at, entry_id) values (${lb}, ${cursor()}, ${'entry.published'}, ${'{}'}, ${'now'}, ${null})`.execute(db),
  };

  const sweep = new Uint8Array(48 << 20);
  let sink = 0;
  const evict = () => {
    for (let i = 0; i < sweep.length; i += 64) sink += sweep[i]++;
  };
  const names = Object.keys(variants);
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let i = 0; i < 50; i++) for (const n of names) await variants[n](); // compiled and warm, as in a running server
  for (let round = 0; round < 200; round++) {
    for (const n of names) {
      evict();
      const t = performance.now();
      await variants[n]();
      times.get(n)!.push(performance.now() - t);
    }
  }
  for (const n of names) {
    const a = times.get(n)!.sort((x, y) => x - y);
    const us = (q: number) => `${Math.round(a[Math.floor(q * (a.length - 1))] * 1000)} µs`.padStart(8);
    console.log(`${n.padEnd(20)} p50 ${us(0.5)}   p90 ${us(0.9)}`);
  }
  if (sink < 0) console.log(sink); // keeps the sweep from being optimized away
} finally {
  await app.close();
}
