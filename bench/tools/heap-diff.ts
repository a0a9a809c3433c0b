/**
 * `node --import tsx bench/tools/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot READERS [KIND]`
 * What each reader costs, by kind: the growth in self size and count per constructor
 * between two snapshots (from GET /__bench/heap before and after connecting READERS
 * readers), divided by READERS. With KIND (e.g. "concatenated string"), it lists instead
 * what holds the nodes of that kind in AFTER (retainer kind and property), to find who
 * keeps them alive.
 */
import fs from 'node:fs';

interface Snap {
  snapshot: { meta: { node_fields: string[]; node_types: string[][]; edge_fields: string[]; edge_types: string[][] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

function kinds(snap: Snap): (i: number) => string {
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName] = ['type', 'name'].map((k) => f.indexOf(k));
  return (i) => {
    const type = types[snap.nodes[i + iType]];
    return type === 'object' || type === 'closure' ? `${type}:${snap.strings[snap.nodes[i + iName]]}` : type;
  };
}

function bySize(snap: Snap): Map<string, { n: number; size: number }> {
  const f = snap.snapshot.meta.node_fields;
  const iSize = f.indexOf('self_size');
  const kind = kinds(snap);
  const by = new Map<string, { n: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    const e = by.get(kind(i)) ?? { n: 0, size: 0 };
    e.n++;
    e.size += snap.nodes[i + iSize];
    by.set(kind(i), e);
  }
  return by;
}

function retainers(snap: Snap, want: string): Map<string, number> {
  const { node_fields: nf, edge_fields: ef, edge_types } = snap.snapshot.meta;
  const [iEdges] = ['edge_count'].map((k) => nf.indexOf(k));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((k) => ef.indexOf(k));
  const kind = kinds(snap);
  const by = new Map<string, number>();
  let e = 0;
  for (let i = 0; i < snap.nodes.length; i += nf.length) {
    const from = kind(i);
    for (let k = 0; k < snap.nodes[i + iEdges]; k++, e += ef.length) {
      if (from === want || kind(snap.edges[e + eTo]) !== want) continue;
      const et = edge_types[0][snap.edges[e + eType]];
      const name = et === 'element' || et === 'hidden' ? '[i]' : snap.strings[snap.edges[e + eName]];
      const key = `${from} .${name}`;
      by.set(key, (by.get(key) ?? 0) + 1);
    }
  }
  return by;
}

const [beforeFile, afterFile, readersArg, kind] = process.argv.slice(2);
const readers = Number(readersArg);
const load = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Snap;
const after = load(afterFile);
if (kind) {
  for (const [k, n] of [...retainers(after, kind)].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(String(n).padStart(8), k);
} else {
  const a = bySize(load(beforeFile));
  const rows = [...bySize(after)].map(([k, v]) => ({ k, n: (v.n - (a.get(k)?.n ?? 0)) / readers, bytes: (v.size - (a.get(k)?.size ?? 0)) / readers }));
  rows.sort((x, y) => y.bytes - x.bytes);
  console.log(`bytes per reader: ${rows.reduce((s, r) => s + r.bytes, 0).toFixed(0)}`);
  for (const r of rows.slice(0, 30)) console.log(r.bytes.toFixed(1).padStart(8), r.n.toFixed(2).padStart(7), r.k);
}
