/**
 * The desk's script, built once per process: dist/desk.js when it is fresher than the
 * sources (after `npm run build`), else bundled in memory with the same esbuild settings
 * as scripts/build-client.mjs (a test run without a build). Loaded on the first /desk
 * request only, so API-only processes and tests never pay for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_DIR = path.join(ROOT, 'src/desk/client');
const BUILT = path.join(ROOT, 'dist/desk.js');

export interface DeskAssets {
  js: string;
  /** Content hash: the script's URL changes with it, so browsers may cache it for good. */
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
  loading ??= bundle().then((js) => ({ js, hash: createHash('sha256').update(js).digest('hex').slice(0, 12) }));
  // A failed build is retried on the next request rather than cached.
  loading.catch(() => (loading = null));
  return loading;
}
