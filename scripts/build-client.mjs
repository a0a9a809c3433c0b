// Bundles the browser scripts (src/reader/client, src/desk/client) and the reader's CSS
// into dist/ with esbuild. src/reader/reader-assets.ts uses the same settings when it
// has to bundle in memory (dist/ missing or older than the sources).
import { build } from 'esbuild';
import fs from 'node:fs';

const entryPoints = [
  ['src/reader/client/reader.ts', 'dist/reader.js'],
  ['src/reader/client/reader.css', 'dist/reader.css'],
  ['src/desk/client/desk.tsx', 'dist/desk.js'],
].filter(([src]) => fs.existsSync(src));

fs.mkdirSync('dist', { recursive: true });
for (const [src, out] of entryPoints) {
  await build({
    entryPoints: [src],
    outfile: out,
    bundle: true,
    minify: true,
    ...(src.endsWith('.css') ? {} : { format: 'iife' }),
    target: ['es2020'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
  });
}
