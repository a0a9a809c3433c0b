/**
 * `node --import tsx bench/tools/heap-top.ts FILE.heapsnapshot [N]`: self size and count per
 * constructor in a V8 heap snapshot (e.g. from GET /__bench/heap on the Unfold bench
 * server while readers are connected), largest first — what a reader costs, by kind.
 */
import fs from 'node:fs';

const snap = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] ?? 30);
const f: string[] = snap.snapshot.meta.node_fields;
const types: string[] = snap.snapshot.meta.node_types[0];
const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((k) => f.indexOf(k));
const nodes: number[] = snap.nodes;
const by = new Map<string, { n: number; size: number }>();
let total = 0;
for (let i = 0; i < nodes.length; i += f.length) {
  const type = types[nodes[i + iType]];
  const name = type === 'object' || type === 'closure' ? `${type}:${snap.strings[nodes[i + iName]]}` : type;
  const e = by.get(name) ?? { n: 0, size: 0 };
  e.n++;
  e.size += nodes[i + iSize];
  total += nodes[i + iSize];
  by.set(name, e);
}
console.log(`total self size ${(total / 2 ** 20).toFixed(1)} MB`);
for (const [k, v] of [...by].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
  console.log(`${(v.size / 1024).toFixed(0).padStart(8)} KB ${String(v.n).padStart(8)}  ${k.slice(0, 90)}`);
}
