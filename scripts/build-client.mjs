// Bundles the browser scripts (src/reader/client, src/desk/client) into dist/ with esbuild.
import { build } from 'esbuild';
import fs from 'node:fs';

const entryPoints = [
  ['src/reader/client/reader.ts', 'dist/reader.js'],
  ['src/desk/client/desk.tsx', 'dist/desk.js'],
].filter(([src]) => fs.existsSync(src));

fs.mkdirSync('dist', { recursive: true });
for (const [src, out] of entryPoints) {
  await build({
    entryPoints: [src],
    outfile: out,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
  });
}
