/**
 * Writes: entries per second through the whole HTTP path — bearer token, schema
 * validation, Markdown, sanitizing, one transaction (entry + cursor + change log),
 * publish — on SQLite and on PostgreSQL, with one writer and with many.
 *
 * The scenario table is the place to add more writes (comments come next): each row
 * names a database, a number of concurrent writers, and how to build its request.
 */
import path from 'node:path';
import { BENCH_DIR, runNode, startNode } from '../lib/proc.ts';
import { freePort } from '../lib/net.ts';

export interface WriteScenario {
  name: string;
  db: 'sqlite' | 'postgres';
  writers: number;
  /** Request for one write, given the bench server's live blog and token. */
  request(info: { liveblogId: string; token: string }): { path: string; body: 'entry' | string };
}

const entry = (info: { liveblogId: string }) => ({ path: `/api/v1/liveblogs/${info.liveblogId}/entries`, body: 'entry' as const });

export const WRITE_SCENARIOS: WriteScenario[] = [
  { name: 'entry, 1 writer', db: 'sqlite', writers: 1, request: entry },
  { name: 'entry, 16 writers', db: 'sqlite', writers: 16, request: entry },
  { name: 'entry, 1 writer', db: 'postgres', writers: 1, request: entry },
  { name: 'entry, 16 writers', db: 'postgres', writers: 16, request: entry },
  // Comments: add rows here once POST /api/v1/liveblogs/{id}/comments lands, e.g.
  // { name: 'comment, 16 readers', db: 'sqlite', writers: 16, request: (i) => ({ path: `/api/v1/liveblogs/${i.liveblogId}/comments`, body: '{"body":"…"}' }) },
];

export interface WritesOptions {
  src: string;
  seconds: number;
  pgUrl: string;
  only?: string[];
  quiet?: boolean;
}

export async function writes(o: WritesOptions, log: (s: string) => void) {
  const rows = [];
  for (const s of WRITE_SCENARIOS) {
    if (o.only && !o.only.includes(s.db)) continue;
    log(`writes: ${s.name} on ${s.db}`);
    const port = await freePort();
    let srv;
    try {
      srv = await startNode<{ liveblogId: string; token: string }>(path.join(BENCH_DIR, 'servers/unfold-server.ts'), { port, db: s.db, pgUrl: o.pgUrl, srcRoot: o.src }, { core: 0, quiet: o.quiet });
    } catch (e) {
      log(`  → could not start (${(e as Error).message.slice(0, 200)})`);
      rows.push({ key: `${s.db}:${s.name}`, name: s.name, db: s.db, writers: s.writers, error: (e as Error).message.slice(0, 300) });
      continue;
    }
    try {
      const req = s.request(srv.info);
      const r = await runNode<Record<string, unknown>>(
        path.join(BENCH_DIR, 'load/http-load.ts'),
        {
          url: `http://127.0.0.1:${port}${req.path}`,
          method: 'POST',
          headers: { authorization: `Bearer ${srv.info.token}`, 'content-type': 'application/json' },
          body: req.body,
          connections: s.writers,
          seconds: o.seconds,
          warmupSeconds: 1,
          statsPort: port,
        },
        { core: 1, timeoutMs: (o.seconds + 30) * 1000, quiet: o.quiet },
      );
      log(`  → ${Math.round(r.requestsPerSec as number)} entries/s, p99 ${(r.latencyMs as { p99: number }).p99} ms, non-2xx ${r.non2xx}, ${Math.round(r.cpuUsPerOk as number)} µs of server CPU each`);
      rows.push({ key: `${s.db}:${s.name}`, name: s.name, db: s.db, writers: s.writers, ...r });
    } finally {
      await srv.stop();
    }
  }
  return rows;
}
