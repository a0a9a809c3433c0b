/**
 * The store contract: what the services promise over any database. `runStoreContract`
 * registers the same tests for each database it is given (store-contract.test.ts runs
 * it on SQLite and PostgreSQL).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Deps } from '../../src/deps.ts';
import { LiveblogService } from '../../src/liveblogs/liveblog-service.ts';
import { EntryService } from '../../src/entries/entry-service.ts';
import { UserStore } from '../../src/auth/user-store.ts';
import { changesAfter } from '../../src/live/change-log.ts';
import type { Change } from '../../src/live/change-log.ts';
import type { User } from '../../src/auth/roles.ts';
import { iso } from '../../src/time.ts';

export interface StoreFixture {
  deps: Deps;
  close(): Promise<void>;
}

interface Ctx {
  deps: Deps;
  liveblogs: LiveblogService;
  entries: EntryService;
  editor: User;
  contributor: User;
  published: Change[];
}

const status = (err: unknown) => (err as { status?: number }).status;

export function runStoreContract(name: string, skip: () => Promise<string | false>, makeDeps: () => Promise<StoreFixture>): void {
  describe(`store contract on ${name}`, async () => {
    const reason = await skip();
    if (reason) {
      test(`store contract on ${name}`, { skip: reason }, () => {});
      return;
    }
    let fx: StoreFixture;
    const c = {} as Ctx;
    before(async () => {
      fx = await makeDeps();
      c.deps = fx.deps;
      c.published = [];
      fx.deps.bus.subscribe((ch) => c.published.push(ch));
      c.liveblogs = new LiveblogService(fx.deps);
      c.entries = new EntryService(fx.deps);
      const users = new UserStore(fx.deps.db.kysely);
      const now = iso(new Date());
      c.editor = await users.create({ email: 'ed@test.invalid', name: 'Ed', role: 'editor', passwordHash: null }, now);
      c.contributor = await users.create({ email: 'co@test.invalid', name: 'Co', role: 'contributor', passwordHash: null }, now);
    });
    after(async () => fx?.close());

    test('live blogs: create, read, list, unique slugs, update logs a change', async () => {
      const a = await c.liveblogs.create(c.editor, { title: 'Election night', status: 'live' });
      const b = await c.liveblogs.create(c.editor, { title: 'Election night', status: 'draft' });
      assert.equal(a.slug, 'election-night');
      assert.equal(b.slug, 'election-night-2');
      await assert.rejects(c.liveblogs.create(c.editor, { title: 'x', slug: 'election-night' }), (e) => status(e) === 409);
      assert.equal((await c.liveblogs.read(a.id, null)).title, 'Election night');
      await assert.rejects(c.liveblogs.read(b.id, null), (e) => status(e) === 404);
      const publicIds = (await c.liveblogs.list(null)).map((l) => l.id);
      assert.ok(publicIds.includes(a.id) && !publicIds.includes(b.id));
      const staffIds = (await c.liveblogs.list(c.editor)).map((l) => l.id);
      assert.ok(staffIds.includes(b.id));
      const ended = await c.liveblogs.update(c.editor, a.id, { status: 'ended', title: 'Election night: results' });
      assert.equal(ended.status, 'ended');
      assert.ok(ended.endedAt);
      const log = await changesAfter(c.deps.db.kysely, a.id, 0, 10);
      assert.deepEqual(log.map((x) => [x.cursor, x.event]), [[1, 'liveblog.updated']]);
      assert.equal(JSON.parse(log[0].payload).liveblog.title, 'Election night: results');
    });

    test('entries: create, read, update at revision (409 when stale), delete; change log in order', async () => {
      const lb = await c.liveblogs.create(c.editor, { title: 'Entries', status: 'live' });
      const { entry } = await c.entries.create(c.editor, lb.id, { headline: 'First', body: 'Hello *world*' });
      assert.equal(entry.revision, 1);
      assert.match(entry.html, /<em>world<\/em>/);
      const read = await c.entries.read(lb.id, entry.id, null);
      assert.equal(read.body, 'Hello *world*');
      const edited = await c.entries.update(c.editor, lb.id, entry.id, { body: 'Hello again', revision: 1 });
      assert.equal(edited.revision, 2);
      await assert.rejects(c.entries.update(c.editor, lb.id, entry.id, { body: 'stale', revision: 1 }), (e) => status(e) === 409);
      assert.equal((await c.entries.read(lb.id, entry.id, null)).body, 'Hello again');
      await c.entries.remove(c.editor, lb.id, entry.id);
      await assert.rejects(c.entries.read(lb.id, entry.id, null), (e) => status(e) === 404);
      await assert.rejects(c.entries.create(c.editor, lb.id, { headline: ' ', body: '' }), (e) => status(e) === 400);
      const log = await changesAfter(c.deps.db.kysely, lb.id, 0, 10);
      assert.deepEqual(log.map((x) => x.cursor), [1, 2, 3]);
      // The published bus messages carried the text; the log, once deleted, no longer does.
      assert.deepEqual(c.published.filter((x) => x.liveblogId === lb.id).map((x) => x.event), ['entry.published', 'entry.updated', 'entry.deleted']);
      assert.equal(JSON.parse(c.published.filter((x) => x.liveblogId === lb.id)[1].payload).entry.body, 'Hello again');
      assert.ok(log.every((x) => x.event === 'entry.deleted' && !x.payload.includes('Hello')), 'a deleted entry is redacted from the log');
      const mine = c.published.filter((x) => x.liveblogId === lb.id).map((x) => x.cursor);
      assert.deepEqual(mine, [1, 2, 3], 'each change is published after commit, once');
    });

    test('a contributor\'s entry waits and logs nothing until an editor publishes it', async () => {
      const lb = await c.liveblogs.create(c.editor, { title: 'Submissions', status: 'live' });
      const { entry } = await c.entries.create(c.contributor, lb.id, { body: 'from the field' });
      assert.equal(entry.status, 'submitted');
      assert.equal((await c.entries.list(lb.id, null, 10)).items.length, 0);
      assert.equal((await changesAfter(c.deps.db.kysely, lb.id, 0, 10)).length, 0);
      await c.entries.update(c.editor, lb.id, entry.id, { status: 'published', revision: entry.revision });
      const log = await changesAfter(c.deps.db.kysely, lb.id, 0, 10);
      assert.deepEqual(log.map((x) => x.event), ['entry.published']);
    });

    test('pagination: newest first, every entry once, ties broken by id', async () => {
      const lb = await c.liveblogs.create(c.editor, { title: 'Pages', status: 'live' });
      const ids: string[] = [];
      for (let i = 0; i < 23; i++) {
        // Pairs share a publishedAt, so the (publishedAt, id) tie-break is exercised.
        const at = new Date(Date.UTC(2024, 0, 1, 10, Math.floor(i / 2))).toISOString();
        ids.push((await c.entries.create(c.editor, lb.id, { body: `n${i}`, publishedAt: at })).entry.id);
      }
      const seen: string[] = [];
      let before: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await c.entries.list(lb.id, null, 5, before);
        seen.push(...page.items.map((e) => e.id));
        for (let i = 1; i < page.items.length; i++) assert.ok(page.items[i - 1].publishedAt >= page.items[i].publishedAt);
        if (!page.next) break;
        before = page.next;
      }
      assert.equal(seen.length, 23);
      assert.equal(new Set(seen).size, 23);
      assert.deepEqual([...seen].sort(), [...ids].sort());
      await assert.rejects(c.entries.list(lb.id, null, 5, 'garbage'), (e) => status(e) === 400);
    });

    test('idempotency: a retry returns the first entry; a different body with the key is 409; racing retries create one', async () => {
      const lb = await c.liveblogs.create(c.editor, { title: 'Retries', status: 'live' });
      const first = await c.entries.create(c.editor, lb.id, { body: 'once' }, 'key-1');
      const again = await c.entries.create(c.editor, lb.id, { body: 'once' }, 'key-1');
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.equal(again.entry.id, first.entry.id);
      await assert.rejects(c.entries.create(c.editor, lb.id, { body: 'other' }, 'key-1'), (e) => status(e) === 409);
      const racing = await Promise.all(Array.from({ length: 4 }, () => c.entries.create(c.editor, lb.id, { body: 'race' }, 'key-2')));
      assert.equal(new Set(racing.map((r) => r.entry.id)).size, 1);
      assert.equal(racing.filter((r) => r.created).length, 1);
      const log = await changesAfter(c.deps.db.kysely, lb.id, 0, 100);
      assert.deepEqual(log.map((x) => x.cursor), [1, 2]);
    });

    test('concurrent writers: 50 entries from 10 writers get cursors 1..50, no gaps, seen in commit order', async () => {
      const lb = await c.liveblogs.create(c.editor, { title: 'Concurrent', status: 'live' });
      const db = c.deps.db.kysely;
      if (c.deps.db.dialect === 'postgres') {
        // The proof rests on READ COMMITTED: the second writer's UPDATE waits on the row lock,
        // then re-reads the committed row. (REPEATABLE READ would abort it instead.)
        const r = await sql<{ transaction_isolation: string }>`show transaction_isolation`.execute(db);
        assert.equal(r.rows[0].transaction_isolation, 'read committed');
      }
      let done = false;
      let last = 0;
      let polls = 0;
      // A reader polling the log while the writers run must never see a cursor before one
      // below it has committed: every page it reads starts right after what it has.
      const poller = (async () => {
        for (;;) {
          // Read `done` before the query: only a read that began after every writer finished
          // may end the loop (one already under way can miss the last commit).
          const finished = done;
          const page = await changesAfter(db, lb.id, last, 100);
          polls++;
          for (const ch of page) {
            assert.equal(ch.cursor, last + 1, `saw cursor ${ch.cursor} while ${last + 1} had not committed`);
            last = ch.cursor;
          }
          if (finished && page.length === 0) break;
        }
      })();
      const writers = Array.from({ length: 10 }, (_, w) =>
        (async () => {
          const made = [];
          for (let i = 0; i < 5; i++) made.push((await c.entries.create(c.editor, lb.id, { headline: `w${w}`, body: `writer ${w} entry ${i}` })).entry);
          return made;
        })(),
      );
      const entries = (await Promise.all(writers)).flat();
      done = true;
      await poller;
      assert.equal(last, 50);
      const log = await changesAfter(db, lb.id, 0, 100);
      assert.deepEqual(log.map((x) => x.cursor), Array.from({ length: 50 }, (_, i) => i + 1));
      const byId = new Map(entries.map((e) => [e.id, e]));
      for (const ch of log) {
        const payload = JSON.parse(ch.payload).entry as { id: string };
        assert.deepEqual(payload, byId.get(payload.id), `change ${ch.cursor} carries its own entry`);
        byId.delete(payload.id);
      }
      assert.equal(byId.size, 0, 'every entry has exactly one change');
      assert.ok(polls > 1);
    });
  });
}
