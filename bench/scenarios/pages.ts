/**
 * Pages: GET /live/{slug} of a live blog with 50 and with 500 entries under load, against
 * nginx (one worker) serving the very same bytes as a static file in the same run — plain
 * and gzip (nginx serves Unfold's own gzip bytes with gzip_static, so both send the same).
 * Each pair runs in `rounds` interleaved rounds (Unfold, [Unfold before,] nginx, Unfold, …)
 * and the round with the median Unfold ÷ nginx ratio is the row: a noisy second on this
 * shared machine then hits both sides alike. Every round's ratio is kept.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { BENCH_DIR, pinned, rmrf, runNode, startNode } from '../lib/proc.ts';
import { freePort } from '../lib/net.ts';

const NGINX = '/usr/sbin/nginx';

export interface PagesOptions {
  src: string;
  /** Also serve the page from this build (an earlier commit's src/), for before/after. */
  beforeSrc?: string;
  rounds?: number;
  sizes: number[];
  seconds: number;
  connections: number;
  quiet?: boolean;
}

async function fetchRaw(url: string, gzip: boolean): Promise<{ status: number; body: Buffer; encoding: string | null; etag: string | null }> {
  // node's fetch would decode gzip; read the bytes as sent with http instead.
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http.get(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), encoding: (res.headers['content-encoding'] as string) ?? null, etag: (res.headers.etag as string) ?? null }));
    }).on('error', reject);
  });
}

async function startNginx(www: string): Promise<{ port: number; stop: () => Promise<void>; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-nginx-'));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/html html; }
  default_type text/html;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    root ${www};
    gzip_static on;
    etag on;
  }
}
`,
  );
  const [cmd, args] = pinned(0, NGINX, ['-p', dir, '-c', conf]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const end = Date.now() + 10_000;
  for (;;) {
    try {
      await fetchRaw(`http://127.0.0.1:${port}/`, false);
      break;
    } catch {
      if (Date.now() > end || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`nginx did not start: ${err.trim().slice(0, 300)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  process.on('exit', () => child.kill('SIGKILL'));
  return {
    port,
    dir,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await new Promise((r) => child.once('exit', r));
        clearTimeout(t);
      }
      rmrf(dir);
    },
  };
}

const load = (url: string, gzip: boolean, o: PagesOptions) =>
  runNode<Record<string, unknown>>(
    path.join(BENCH_DIR, 'load/http-load.ts'),
    { url, headers: gzip ? { 'accept-encoding': 'gzip' } : {}, connections: o.connections, seconds: o.seconds, warmupSeconds: 1 },
    { core: 1, timeoutMs: (o.seconds + 30) * 1000, quiet: o.quiet },
  );

async function startUnfold(src: string, entries: number, o: PagesOptions) {
  const port = await freePort();
  const srv = await startNode<{ slug: string }>(path.join(BENCH_DIR, 'servers/unfold-server.ts'), { port, db: 'sqlite', entries, srcRoot: src }, { core: 0, quiet: o.quiet });
  return { srv, url: `http://127.0.0.1:${port}/live/${srv.info.slug}` };
}

export async function pages(o: PagesOptions, log: (s: string) => void): Promise<{ rows: unknown[]; skipped?: string }> {
  const rows = [];
  const rounds = o.rounds ?? 1;
  for (const entries of o.sizes) {
    log(`pages: /live/{slug} with ${entries} entries vs nginx${o.beforeSrc ? ' (and Unfold before)' : ''}, ${rounds} round(s)`);
    const cur = await startUnfold(o.src, entries, o);
    const before = o.beforeSrc ? await startUnfold(o.beforeSrc, entries, o).catch(async (e) => {
      await cur.srv.stop();
      throw e;
    }) : null;
    const www = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-www-'));
    let nginx: Awaited<ReturnType<typeof startNginx>> | null = null;
    try {
      const url = cur.url;
      const plain = await fetchRaw(url, false);
      if (plain.status !== 200) {
        log(`  → /live/{slug} answered ${plain.status}: the reader page is not in this build; skipped`);
        return { rows, skipped: `/live/{slug} answered ${plain.status} in the build under test (the reader page had not landed)` };
      }
      const zipped = await fetchRaw(url, true);
      const gzBytes = zipped.encoding === 'gzip' ? zipped.body : zlib.gzipSync(plain.body, { level: 6 });
      fs.writeFileSync(path.join(www, 'page.html'), plain.body);
      fs.writeFileSync(path.join(www, 'page.html.gz'), gzBytes);
      nginx = await startNginx(www);
      const staticUrl = `http://127.0.0.1:${nginx.port}/page.html`;
      for (const gzip of [false, true]) {
        const runs = [];
        for (let round = 0; round < rounds; round++) {
          const u = await load(url, gzip, o);
          const b = before ? await load(before.url, gzip, o) : null;
          const n = await load(staticUrl, gzip, o);
          runs.push({ u, b, n, ratio: (u.requestsPerSec as number) / (n.requestsPerSec as number) });
        }
        const median = [...runs].sort((x, y) => x.ratio - y.ratio)[Math.floor((runs.length - 1) / 2)];
        const row = {
          key: `${entries}:${gzip ? 'gzip' : 'plain'}`,
          entries,
          encoding: gzip ? 'gzip' : 'identity',
          unfoldSentGzip: gzip ? zipped.encoding === 'gzip' : false,
          bytes: gzip ? gzBytes.length : plain.body.length,
          etag: plain.etag !== null,
          unfold: median.u,
          nginx: median.n,
          ratio: median.ratio,
          ...(median.b ? { before: median.b, beforeRatio: (median.b.requestsPerSec as number) / (median.n.requestsPerSec as number) } : {}),
          rounds: runs.map((r) => Number(r.ratio.toFixed(3))),
        };
        log(`  → ${row.key}: Unfold ${Math.round(median.u.requestsPerSec as number)} req/s vs nginx ${Math.round(median.n.requestsPerSec as number)} req/s = ${row.ratio.toFixed(2)}× (rounds: ${row.rounds.join(', ')})${median.b ? `; before ${Math.round(median.b.requestsPerSec as number)} req/s` : ''}`);
        rows.push(row);
      }
    } finally {
      await nginx?.stop();
      await cur.srv.stop();
      await before?.srv.stop();
      rmrf(www);
    }
  }
  return { rows };
}
