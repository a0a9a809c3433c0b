/**
 * `npm run bench [-- <scenario…>] [options]`: runs the benchmarks on this machine and
 * writes bench/results.json (raw figures) and BENCHMARKS.md (figures beside their floor
 * or peer from the same run, as ratios). Scenarios: fanout, pages, writes, storm, start
 * (default: all). A run of some scenarios keeps the others' last figures.
 *
 *   --readers 1000,10000   fan-out sizes (storm: the first one)
 *   --max                  add 50k readers (also `--readers max`); unless --rate/--messages are
 *                          given, that size runs 20 messages at --max-rate (0.5/s: one core keeps up). Sizes above what
 *                          one process holds (`ulimit -n` less 2000, at most 18k) run as several
 *                          server processes on one port and several load processes
 *                          (scenarios/fanout.ts); Socket.IO sits those out
 *   --per-process 18000    that per-process bound (lower it to try the multi-process path small)
 *   --rate 10 --messages 100   open-loop publish rate and count
 *   --warmup 5             untimed messages first, at the same rate (fan-out)
 *   --write-warmup 3000    Unfold: entries first to a live blog no reader follows (fan-out, storm)
 *   --targets floor,socketio,socketio-official,unfold   (socketio: a lean Engine.IO client; -official: socket.io-client)
 *   --rev REV              bench a commit (extracted to .tmp/) instead of the working tree
 *   --before REV           also run Unfold as built at REV (fan-out, pages): before/after in one run
 *   --rounds N             interleaved rounds per fan-out size (default: 5 up to 1k readers, 3 at the largest, else 1) and for the pages (default 5)
 *   --cpu-prof             write a CPU profile of the Unfold server (fan-out) to .tmp/prof/
 *   --unfold-node-args "--perf-basic-prof"   more node flags for the Unfold server (fan-out, storm);
 *                          that one lets `perf record -g -p PID` name JS frames (bench/notes.md)
 *   --seconds 5            per load run in pages/writes                --quiet
 *   report                 only render BENCHMARKS.md again from results.json
 */
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, ROOT } from './lib/proc.ts';
import { snapshot } from './lib/snapshot.ts';
import { fanout, PER_PROCESS, type FanoutTarget } from './scenarios/fanout.ts';
import { storm } from './scenarios/storm.ts';
import { writes } from './scenarios/writes.ts';
import { pages } from './scenarios/pages.ts';
import { start } from './scenarios/start.ts';
import { renderReport } from './report.ts';

// 10k–50k sockets per process need more descriptors than the default: re-exec once
// under a raised limit (children inherit it).
if (!process.env.BENCH_ULIMIT) {
  const r = spawnSync('bash', ['-c', 'ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'bench', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_ULIMIT: '1' },
  });
  process.exit(r.status ?? 1);
}

const { values: v, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    readers: { type: 'string' },
    max: { type: 'boolean', default: false },
    rate: { type: 'string' },
    'max-rate': { type: 'string', default: '0.5' },
    messages: { type: 'string' },
    targets: { type: 'string', default: 'floor,floor-nagle,socketio,socketio-official,unfold' },
    rev: { type: 'string' },
    before: { type: 'string' },
    rounds: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'unfold-node-args': { type: 'string' },
    warmup: { type: 'string' },
    'write-warmup': { type: 'string' },
    'per-process': { type: 'string' },
    seconds: { type: 'string', default: '5' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    db: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'results': { type: 'string', default: path.join(BENCH_DIR, 'results.json') },
    'report': { type: 'string', default: path.join(ROOT, 'BENCHMARKS.md') },
  },
});

/** Node flags for the Unfold server under test: a V8 CPU profile, and any given by hand. */
const unfoldNodeArgs = [
  ...(v['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, '.tmp', 'prof')}`] : []),
  ...(v['unfold-node-args']?.split(' ').filter(Boolean) ?? []),
];

const ALL = ['fanout', 'pages', 'writes', 'storm', 'start'];
// `npm run bench -- report`: only render BENCHMARKS.md again from bench/results.json.
if (positionals.length === 1 && positionals[0] === 'report') {
  fs.writeFileSync(v.report!, renderReport(JSON.parse(fs.readFileSync(v.results!, 'utf8'))));
  process.exit(0);
}
const chosen = positionals.length ? positionals : ALL;
for (const s of chosen) if (!ALL.includes(s)) throw new Error(`unknown scenario "${s}" (one of ${ALL.join(', ')})`);
const log = (s: string) => process.stderr.write(`${s}\n`);

const git = (...a: string[]) => execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
let srcRoot: string;
let build: string;
if (v.rev) {
  const snap = snapshot(v.rev);
  srcRoot = path.join(snap.root, 'src');
  build = `commit ${snap.sha.slice(0, 12)}`;
} else {
  srcRoot = path.join(ROOT, 'src');
  const dirty = git('status', '--porcelain', '--', 'src').length > 0;
  build = `working tree at ${git('rev-parse', 'HEAD').slice(0, 12)}${dirty ? ' (with uncommitted changes in src/)' : ''}`;
}
// "Before" is the whole build at an earlier commit (extracted like --rev), run beside this one.
const beforeSnap = v.before ? snapshot(v.before) : undefined;
const beforeSrc = beforeSnap ? path.join(beforeSnap.root, 'src') : undefined;
const beforeLabel = beforeSnap ? `Unfold as at ${beforeSnap.sha.slice(0, 12)}` : undefined;

// The goal (issue 5) is 50k readers on one node. One process here holds at most `ulimit -n`
// descriptors (one per socket; 20,000, and raising it needs privileges), so sizes above
// `perProcess` run as several processes per side (scenarios/fanout.ts); 1k and 10k stay in
// one process each, as they always ran.
const nofile = Number(execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
const maxReaders = 50_000;
const perProcess = Math.min(Number(v['per-process'] ?? PER_PROCESS), nofile - 2000);
if (perProcess < 1000) throw new Error(`ulimit -n is ${nofile}: too few file descriptors for any fan-out`);
const readersList = (v.readers ?? '1000,10000').split(',').map((x) => (x === 'max' ? maxReaders : Number(x)));
if (v.max && !readersList.includes(maxReaders)) readersList.push(maxReaders);
const rate = Number(v.rate ?? 10);
const messages = Number(v.messages ?? 100);
const targets = v.targets!.split(',') as FanoutTarget[];
if (beforeSrc && !targets.includes('unfold-before')) targets.push('unfold-before');

const resultsPath = v.results!;
const old = fs.existsSync(resultsPath) ? JSON.parse(fs.readFileSync(resultsPath, 'utf8')) : {};
const results: Record<string, any> = { ...old, scenarios: { ...(old.scenarios ?? {}) } };
const runMeta = {
  at: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
  build,
  before: beforeLabel ?? null,
  node: process.version,
  cpu: `${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}`,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  loadavgAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  openFilesLimit: nofile,
};
results.runs = [...(old.runs ?? []), runMeta].slice(-20);
const stamp = (x: Record<string, unknown>) => ({ ...x, run: runMeta.at });

const save = () => {
  fs.writeFileSync(resultsPath, JSON.stringify(results, null, 1) + '\n');
  fs.writeFileSync(v.report!, renderReport(results));
};

const t0 = Date.now();
// One scenario failing (a server that will not start, say) must not cost the others' figures.
const failed: string[] = [];
async function guard(name: string, fn: () => Promise<void>): Promise<void> {
  if (!chosen.includes(name)) return;
  try {
    await fn();
  } catch (e) {
    failed.push(name);
    log(`${name} failed: ${(e as Error).stack ?? e}`);
    results.scenarios[name] = { ...(results.scenarios[name] ?? {}), error: String((e as Error).message ?? e).slice(0, 500), run: runMeta.at };
    save();
  }
}
await guard('fanout', async () => {
  const prev: any[] = results.scenarios.fanout?.rows ?? [];
  for (const n of readersList) {
    const big = n === maxReaders;
    const nRate = big && !v.rate ? Number(v['max-rate']) : rate;
    const nMessages = big && !v.messages ? 20 : messages;
    // A size's row at its usual rate and count keeps the plain key; any other (a lighter
    // 50k run, say) is a row of its own beside it rather than in its place.
    const usual = nRate === (big ? Number(v['max-rate']) : 10) && nMessages === (big ? 20 : 100);
    const suffix = usual ? '' : `@${nRate}/s×${nMessages}`;
    const rows = (await fanout(
      // At the largest N the before/after pair and the official Socket.IO client are
      // skipped: each would add another of the longest legs.
      { src: srcRoot, beforeSrc, readers: n, rate: nRate, messages: nMessages, targets: big ? targets.filter((t) => t !== 'unfold-before' && t !== 'socketio-official') : targets, unfoldNodeArgs, warmup: v.warmup ? Number(v.warmup) : undefined, writeWarmup: v['write-warmup'] ? Number(v['write-warmup']) : undefined, quiet: v.quiet, perProcess, rounds: Number(v.rounds ?? (n <= 1000 ? 5 : big ? 3 : 1)) },
      log,
    )).map((r) => ({ ...r, key: r.key + suffix }));
    const keys = new Set(rows.map((r) => r.key));
    const merged = [...prev.filter((r) => !keys.has(r.key)), ...rows.map(stamp)];
    prev.splice(0, prev.length, ...merged);
    results.scenarios.fanout = { rows: prev };
    save();
  }
});
await guard('storm', async () => {
  const n = v.readers ? readersList[0] : 10_000;
  results.scenarios.storm = stamp(await storm({ src: srcRoot, readers: n, rate, messages, dropAfter: Math.floor(messages * 0.3), unfoldNodeArgs, quiet: v.quiet }, log));
  save();
});
await guard('writes', async () => {
  const rows = await writes({ src: srcRoot, seconds: Number(v.seconds), pgUrl: v['pg-url']!, only: v.db ? v.db.split(',') : undefined, quiet: v.quiet }, log);
  const prev: any[] = results.scenarios.writes?.rows ?? [];
  const keys = new Set(rows.map((r) => r.key));
  results.scenarios.writes = { rows: [...prev.filter((r) => !keys.has(r.key)), ...rows.map(stamp)] };
  save();
});
await guard('pages', async () => {
  const r = await pages({ src: srcRoot, beforeSrc, sizes: [50, 500], seconds: Number(v.seconds), connections: 50, rounds: Number(v.rounds ?? 5), quiet: v.quiet }, log);
  results.scenarios.pages = stamp(r);
  save();
});
await guard('start', async () => {
  results.scenarios.start = stamp(await start({ root: path.dirname(srcRoot), quiet: v.quiet }, log));
  save();
});
log(`done in ${Math.round((Date.now() - t0) / 1000)} s → ${path.relative(ROOT, resultsPath)}, ${path.relative(ROOT, v.report!)}${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`);
process.exit(failed.length ? 1 : 0);
