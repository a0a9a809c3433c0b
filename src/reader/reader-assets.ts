/**
 * The reader's static assets (dist/reader.js, dist/reader.css), held in memory,
 * compressed once and named by content hash so they can be cached forever. When dist/
 * is missing or older than the sources (a test run without `npm run build`), they are
 * bundled here in memory with the same esbuild settings as scripts/build-client.mjs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBody, type EncodedBody } from './encoded-body.ts';
import type { AssetNames } from './page-shell.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Everything the client bundles: its folder and the modules it shares with the server.
const SOURCES = ['client', 'entry-markup.ts', 'page-text.ts', 'escape-html.ts'].map((f) => path.join(ROOT, 'src/reader', f));
const BUILT = { js: path.join(ROOT, 'dist/reader.js'), css: path.join(ROOT, 'dist/reader.css') };

export interface ReaderAssets {
  names: AssetNames;
  /** By file name (`reader.<hash>.js`). */
  files: Map<string, EncodedBody>;
}

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const f of fs.readdirSync(p)) visit(path.join(p, f));
    else newest = Math.max(newest, st.mtimeMs);
  };
  SOURCES.forEach(visit);
  return newest;
}

function builtIsFresh(): boolean {
  const js = fs.statSync(BUILT.js, { throwIfNoEntry: false });
  const css = fs.statSync(BUILT.css, { throwIfNoEntry: false });
  return !!js && !!css && Math.min(js.mtimeMs, css.mtimeMs) >= newestSourceMtime();
}

async function bundleInMemory(): Promise<{ js: string; css: string }> {
  const { build } = await import('esbuild');
  const common = { bundle: true, minify: true, write: false, target: ['es2020'], legalComments: 'none' as const };
  const [js, css] = await Promise.all([
    build({ ...common, entryPoints: [path.join(ROOT, 'src/reader/client/reader.ts')], format: 'iife' }),
    build({ ...common, entryPoints: [path.join(ROOT, 'src/reader/client/reader.css')] }),
  ]);
  return { js: js.outputFiles![0].text, css: css.outputFiles![0].text };
}

export async function loadReaderAssets(): Promise<ReaderAssets> {
  const src = builtIsFresh() ? { js: fs.readFileSync(BUILT.js, 'utf8'), css: fs.readFileSync(BUILT.css, 'utf8') } : await bundleInMemory();
  const [js, css] = await Promise.all([
    encodeBody(src.js, 'text/javascript; charset=utf-8', 'asset'),
    encodeBody(src.css, 'text/css; charset=utf-8', 'asset'),
  ]);
  const names = { js: `reader.${js.hash.slice(0, 12)}.js`, css: `reader.${css.hash.slice(0, 12)}.css` };
  return { names, files: new Map([[names.js, js], [names.css, css]]) };
}
