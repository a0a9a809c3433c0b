/**
 * `node --import tsx bench/tools/prof-top.ts FILE.cpuprofile [N]`: the N functions with the
 * most self time in a V8 CPU profile (from `npm run bench -- fanout --cpu-prof`), and the
 * share of samples under each of a few hot-path roots.
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}
const prof = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const top = Number(process.argv[3] ?? 30);
const self = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  const f = n.callFrame;
  const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/').replace(/^node:/, 'node:')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
  total += n.hitCount;
}
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
console.log(`samples: ${total}, idle ${((idle / total) * 100).toFixed(1)} %`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((v / (total - idle)) * 100).toFixed(1).padStart(5)} %  ${k}`);
}
