/**
 * Start: `unfold serve` on an empty data folder (it migrates and imports the demo live
 * blog) until the first reader page is served; and that page's weight — HTML, JS and CSS
 * as sent gzipped (gzipped here at level 9 when the server sends them uncompressed).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { pinned, rmrf } from '../lib/proc.ts';
import { freePort } from '../lib/net.ts';

async function get(url: string, gzip = false): Promise<{ status: number; body: Buffer; encoding: string | null } | null> {
  try {
    const r = await fetch(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : {}, signal: AbortSignal.timeout(5000) });
    // fetch decodes; the raw size on the wire is measured by compressing the same way below.
    return { status: r.status, body: Buffer.from(await r.arrayBuffer()), encoding: r.headers.get('content-encoding') };
  } catch {
    return null;
  }
}

const gz = (b: Buffer) => zlib.gzipSync(b, { level: 9 }).length;

export async function start(o: { root: string; quiet?: boolean }, log: (s: string) => void) {
  log('start: cold start of `unfold serve` on an empty database (demo import included)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-start-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const [cmd, args] = pinned(0, process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve']);
  const t0 = performance.now();
  const child = spawn(cmd, args, {
    cwd: o.root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', UNFOLD_DATA_DIR: dataDir, LOG_LEVEL: 'warn', UNFOLD_DEMO: '1' },
    stdio: ['ignore', 'ignore', o.quiet ? 'ignore' : 'inherit'],
  });
  const result: Record<string, unknown> = {};
  try {
    let listenMs = NaN;
    let slug: string | null = null;
    const end = t0 + 60_000;
    while (performance.now() < end && child.exitCode === null) {
      if (Number.isNaN(listenMs)) {
        const h = await get(`${base}/healthz`);
        if (h?.status === 200) listenMs = performance.now() - t0;
      }
      if (!Number.isNaN(listenMs) && !slug) {
        const l = await get(`${base}/api/v1/liveblogs`);
        if (l?.status === 200) {
          const j = JSON.parse(l.body.toString());
          slug = (Array.isArray(j) ? j : j.items)?.[0]?.slug ?? null;
        }
      }
      if (slug) {
        const p = await get(`${base}/live/${slug}`);
        if (p && p.status === 200) {
          result.firstPageMs = Math.round(performance.now() - t0);
          break;
        }
        if (p && p.status === 404) {
          result.firstPageMs = null;
          result.note = `/live/${slug} answered 404: the reader page is not in this build`;
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    result.listenMs = Math.round(listenMs);
    if (slug && result.firstPageMs) {
      const page = (await get(`${base}/live/${slug}`))!;
      const html = page.body.toString('utf8');
      const assets = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"|<link[^>]*rel="(?:stylesheet|modulepreload)"[^>]*href="([^"]+)"|<link[^>]*href="([^"]+)"[^>]*rel="(?:stylesheet|modulepreload)"/g)].map((m) => m[1] ?? m[2] ?? m[3]);
      let js = 0;
      let css = 0;
      const files: Record<string, number> = {};
      for (const href of new Set(assets)) {
        const a = await get(new URL(href, `${base}/live/${slug}`).toString());
        if (!a || a.status !== 200) continue;
        const size = gz(a.body);
        files[href] = size;
        if (/\.css(\?|$)/.test(href)) css += size;
        else js += size;
      }
      // Inline <script>/<style> count as JS/CSS too (they ship in the HTML).
      for (const m of html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)) js += gz(Buffer.from(m[1]));
      for (const m of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) css += gz(Buffer.from(m[1]));
      result.weight = { htmlGzip: gz(page.body), jsGzip: js, cssGzip: css, jsCssGzip: js + css, assets: files, entriesOnPage: (html.match(/id="entry-/g) ?? []).length };
    }
    if (child.exitCode !== null) result.error = `unfold serve exited with ${child.exitCode}`;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmrf(dataDir);
  }
  log(`  → listening after ${result.listenMs} ms, first page after ${result.firstPageMs ?? '—'} ms`);
  return result;
}
