/**
 * The desk's script, built once per process: dist/desk.js when it is fresher than the
 * sources (after `npm run build`), else bundled in memory with the same esbuild settings
 * as scripts/build-client.mjs (a test run without a build). Loaded on the first /desk
 * request only, so API-only processes and tests never pay for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBody, type EncodedBody } from '../reader/encoded-body.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_DIR = path.join(ROOT, 'src/desk/client');
const BUILT = path.join(ROOT, 'dist/desk.js');

export interface DeskAssets {
  /** Compressed once (gzip, brotli): a press room's weak Wi-Fi fetches ~12 KB, not ~36. */
  js: EncodedBody;
  /** Content hash: the script's URL changes with it. */
  hash: string;
}

function newestSource(): number {
  let newest = 0;
  for (const f of fs.readdirSync(SOURCE_DIR, { recursive: true }) as string[]) {
    const st = fs.statSync(path.join(SOURCE_DIR, f));
    if (st.isFile()) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

async function bundle(): Promise<string> {
  const built = fs.statSync(BUILT, { throwIfNoEntry: false });
  if (built && (!fs.existsSync(SOURCE_DIR) || built.mtimeMs >= newestSource())) return fs.readFileSync(BUILT, 'utf8');
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [path.join(SOURCE_DIR, 'desk.tsx')],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    target: ['es2020'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
  });
  return r.outputFiles![0].text;
}

let loading: Promise<DeskAssets> | null = null;

export function deskAssets(): Promise<DeskAssets> {
  loading ??= bundle()
    .then((src) => encodeBody(src, 'text/javascript; charset=utf-8', 'asset'))
    .then((js) => ({ js, hash: js.hash.slice(0, 12) }));
  // A failed build is retried on the next request rather than cached.
  loading.catch(() => (loading = null));
  return loading;
}
