/**
 * Renders BENCHMARKS.md from results.json: every figure beside its floor or peer from
 * the same run, each comparison as a ratio, and the command that reproduces it. The
 * prose about profiles and fixes comes from bench/notes.md; no figure is typed by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './lib/proc.ts';

type Any = Record<string, any>;

const f = (x: unknown, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d).replace(/\.0+$/, '') : '—');
const ratio = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const kn = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/**
 * Delivered share. A publish whose answer took longer than the load process's 30 s request
 * bound counts as not committed there, yet its message may still arrive; any message some
 * reader received was published, so it counts toward what every reader should have had.
 */
function delivery(r: Any): { ratio: number; late: number } {
  const seen = Array.isArray(r.perMessageMs) ? r.perMessageMs.filter((x: unknown) => x !== null).length : 0;
  const published = Math.max(r.committed ?? 0, seen);
  return { ratio: r.delivered / Math.max(1, published * r.connected), late: Math.max(0, seen - (r.committed ?? 0)) };
}

const NAMES: Record<string, string> = { floor: 'floor (raw `net`)', 'floor-nagle': 'floor, Nagle (net default)', socketio: 'Socket.IO 4 (ws)', 'socketio-official': 'Socket.IO 4, official client', unfold: '**Unfold**', 'unfold-before': 'Unfold before (build at the top)' };

function fanout(s: Any | undefined): string {
  if (!s?.rows?.length) return '_Not run yet._';
  // One table per size and load (a size may also have a lighter run beside its usual one).
  const byN = new Map<string, Any[]>();
  for (const r of s.rows) byN.set(`${r.readers}|${r.rate}|${r.messages}`, [...(byN.get(`${r.readers}|${r.rate}|${r.messages}`) ?? []), r]);
  const out: string[] = [];
  for (const [, rows] of [...byN].sort((a, b) => a[1][0].readers - b[1][0].readers || b[1][0].rate - a[1][0].rate)) {
    const n = rows[0].readers as number;
    const floor = rows.find((r) => r.target === 'floor');
    const first = rows[0];
    out.push(`### ${kn(n)} readers — ${first.messages} messages at ${first.rate}/s\n`);
    const dflt = first.rate === 10 && first.messages === 100;
    out.push(`Reproduce: \`npm run bench -- fanout --readers ${n}${dflt ? '' : ` --rate ${first.rate} --messages ${first.messages}`}\`\n`);
    const order = ['floor', 'floor-nagle', 'socketio', 'socketio-official', 'unfold', 'unfold-before'];
    rows.sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target));
    out.push(
      table(
        ['server', 'connected', 'delivered', 'p50 ms', 'p99 ms', 'max ms', 'p99 ÷ floor', 'first reader p50 ms', 'publish answered p50 / p99 ms', 'CPU µs / delivered msg', 'CPU ÷ floor', 'fan-out loop p50 ms', 'RSS MB', 'RSS KB / reader', 'heap KB / reader', 'lost / dup'],
        rows.map((r) => [
          NAMES[r.target] ?? r.target,
          `${r.connected}/${r.readers}`,
          `${f(delivery(r).ratio * 100, 2)} %${delivery(r).late ? ` (${delivery(r).late} publishes answered after 30 s)` : ''}`,
          f(r.latencyMs?.p50),
          f(r.latencyMs?.p99),
          f(r.latencyMs?.max),
          r.target === 'floor' ? '1×' : ratio(r.latencyMs?.p99, floor?.latencyMs?.p99),
          f(r.firstReaderMs?.p50, 1),
          r.publishAckMs ? `${f(r.publishAckMs.p50)} / ${f(r.publishAckMs.p99)}` : '—',
          f(r.serverCpuUsPerWrite, 2),
          r.target === 'floor' ? '1×' : ratio(r.serverCpuUsPerWrite, floor?.serverCpuUsPerWrite),
          f(r.fanoutLoopMs?.p50, 2),
          f(r.rssMB),
          f(r.rssPerReaderKB, 2),
          f(r.heapPerReaderKB, 2),
          `${r.lost} / ${r.duplicates}`,
        ]),
      ),
    );
    const rounded = rows.filter((r) => r.rounds?.length > 1);
    if (rounded.length) {
      out.push(
        `\nThe targets ran in ${rounded[0].rounds.length} interleaved rounds; each row is its run with the median CPU, with the medians of the rounds' p50 and p99. CPU µs per delivered message in each round: ${rounded.map((r) => `${(NAMES[r.target] ?? r.target).replace(/\*/g, '')} ${r.rounds.map((x: Any) => f(x.cpuUsPerWrite, 2)).join(' / ')}`).join('; ')}. p99 ms in each round: ${rounded.map((r) => `${(NAMES[r.target] ?? r.target).replace(/\*/g, '')} ${r.rounds.map((x: Any) => f(x.p99)).join(' / ')}`).join('; ')}.`,
      );
    }
    const multi = rows.find((r) => (r.serverProcesses ?? 1) > 1);
    if (multi) {
      out.push(
        `\nOne process cannot hold this many sockets here (open files are capped at 20,000 per process, and raising the cap needs privileges), so each server ran as ${multi.serverProcesses} processes sharing one port (node:cluster, round-robin; Unfold as \`unfold serve --workers ${multi.serverProcesses}\` runs it, its workers joined by a private Redis whose CPU and memory count as the server's), all on core 0, and the readers were split over ${multi.loadProcesses} load processes on core 1 whose counts were merged. CPU, RSS and heap are summed over the server's processes; the floor answers a publish once every one of its processes has written the message. Socket.IO is left out at this size: spanning processes needs its Redis adapter, which the 1k and 10k rows do not use.`,
      );
    }
    out.push(`\n<sub>Run ${first.run}. "first reader" = publish → the first reader's arrival: the write path plus the start of the fan-out; for Unfold the write path is the token check, validation, Markdown and sanitizing and a committed, fsynced SQLite transaction, which Unfold's publish→received includes and the floor's bare POST does not. "publish answered" = how long the publish request took to be answered (Unfold and the floor answer after an idle fan-out). CPU = the server process's user+system time from the first timed publish until every reader had every message (or the 15 s drain bound), divided by messages delivered; for Unfold it includes the HTTP write path of each entry. "fan-out loop" = writing one message to every socket, timed inside the server from the start of the loop to the end of the nextTicks it queued (where ServerResponse's deferred socket writes happen). lost = changes a reader had not received by the end of the run (gaps or missing tail), counted per reader; dup = received twice.</sub>\n`);
  }
  return out.join('\n');
}

function pages(s: Any | undefined): string {
  if (!s || (!s.rows && !s.skipped)) return '_No figures._';
  if (s.skipped) return `_Skipped in the run of ${s.run}: ${s.skipped}. Run \`npm run bench -- pages\` once it has landed._`;
  const withBefore = s.rows.some((r: Any) => r.before);
  return [
    'Reproduce: `npm run bench -- pages`\n',
    table(
      ['entries', 'encoding', 'bytes', 'Unfold req/s', 'nginx req/s', 'Unfold ÷ nginx', 'ratio per round', ...(withBefore ? ['Unfold before req/s', 'before ÷ nginx'] : []), 'Unfold p99 ms', 'nginx p99 ms', 'non-2xx (U/n)'],
      s.rows.map((r: Any) => [
        String(r.entries),
        r.encoding + (r.encoding === 'gzip' && !r.unfoldSentGzip ? ' (Unfold sent identity)' : ''),
        String(r.bytes),
        f(r.unfold.requestsPerSec, 0),
        f(r.nginx.requestsPerSec, 0),
        `**${f(r.ratio, 2)}×**`,
        (r.rounds ?? [r.ratio]).map((x: number) => f(x, 2)).join(' / '),
        ...(withBefore ? [r.before ? f(r.before.requestsPerSec, 0) : '—', r.beforeRatio ? `${f(r.beforeRatio, 2)}×` : '—'] : []),
        f(r.unfold.latencyMs.p99),
        f(r.nginx.latencyMs.p99),
        `${r.unfold.non2xx}/${r.nginx.non2xx}`,
      ]),
    ),
    `\n<sub>Run ${s.run}. autocannon, 50 connections, after a 1 s warm-up; nginx 1 worker serving the same bytes (its gzip variant is Unfold's own gzip body, via gzip_static). Each pair ran in interleaved rounds (Unfold, ${withBefore ? 'Unfold before, ' : ''}nginx; again); the row is the round with the median ratio.${withBefore ? ' "Unfold before" is the build named at the top (before/after).' : ''}</sub>`,
  ].join('\n');
}

function writes(s: Any | undefined): string {
  if (!s?.rows?.length) return '_Not run yet._';
  const base = new Map<string, number>();
  for (const r of s.rows) if (r.writers === 1 && r.requestsPerSec) base.set(r.db, r.requestsPerSec);
  return [
    'Reproduce: `npm run bench -- writes` (one database: `--db sqlite` or `--db postgres`)\n',
    table(
      ['database', 'scenario', 'entries/s', 'p50 ms', 'p99 ms', '÷ 1 writer', 'server CPU µs / entry', 'non-2xx / errors'],
      s.rows.map((r: Any) =>
        r.error
          ? [r.db, r.name, `not run: ${r.error.slice(0, 120)}`, '', '', '', '', '']
          : [r.db, r.name, `**${f(r.requestsPerSec, 0)}**`, f(r.latencyMs.p50), f(r.latencyMs.p99), ratio(r.requestsPerSec, base.get(r.db)), f(r.cpuUsPerOk, 0), `${r.non2xx} / ${r.errors}`],
      ),
    ),
    `\n<sub>Run ${s.rows[0]?.run}. Each request: POST /api/v1/liveblogs/{id}/entries with a bearer token and a fresh ~600-byte Markdown body → validate, render, sanitize, one transaction (entry + cursor + change log), publish. SQLite with synchronous=FULL (each commit is fsynced); PostgreSQL 15 local, a fresh schema per run, pool of 10. Server CPU = the Unfold process's user+system time over the measured run (read from its stats route before and after) ÷ entries created (2xx answers): the whole write path's CPU, the commit's fsync wait excluded (it is not CPU); on PostgreSQL the database server's own CPU is not in it.</sub>`,
  ].join('\n');
}

function storm(s: Any | undefined): string {
  if (!s?.storm) return '_No figures._';
  const st = s.storm ?? {};
  return [
    `Reproduce: \`npm run bench -- storm --readers ${s.readers}\`\n`,
    table(
      ['readers', 'dropped after', 'all reconnected ms', 'all caught up ms', 'p50 caught up ms', 'lost', 'duplicated', 'retries', 'delivered'],
      [[String(s.readers), `${st.droppedAfterMessages} of ${s.messages} msgs (${s.rate}/s)`, f(st.reconnectAllMs, 0), st.allCaughtUpMs === null ? `**not all** (${st.notCaughtUp} behind)` : `**${f(st.allCaughtUpMs, 0)}**`, f(st.caughtUpP50Ms, 0), `**${s.lost}**`, `**${s.duplicates}**`, String(st.retries), `${f(s.deliveredRatio * 100, 2)} %`]],
    ),
    `\n<sub>Run ${s.run}. Caught up: the reader has reconnected and holds every change committed when it came back. Lost/duplicated: each reader's cursors are checked to run from the first to the last cursor of the run without a gap or a repeat.</sub>`,
  ].join('\n');
}

function start(s: Any | undefined): string {
  if (!s || s.listenMs === undefined) return '_No figures._';
  const w = s.weight;
  return [
    'Reproduce: `npm run bench -- start`\n',
    table(
      ['listening ms', 'first reader page ms', 'HTML gz bytes', 'JS gz bytes', 'CSS gz bytes', 'JS+CSS gz', 'goal JS+CSS'],
      [[f(s.listenMs, 0), s.firstPageMs ? `**${s.firstPageMs}**` : `— (${s.note ?? s.error ?? 'no page'})`, f(w?.htmlGzip, 0), f(w?.jsGzip, 0), f(w?.cssGzip, 0), w ? `**${(w.jsCssGzip / 1024).toFixed(1)} KB**` : '—', '< 30 KB']],
    ),
    `\n<sub>Run ${s.run}. \`unfold serve\` on an empty data folder (migrations + demo import included), from process spawn to the first 200 of /live/{slug}.</sub>`,
  ].join('\n');
}

/** Kept up: every message reached every reader, and the p99 stayed under a second (no growing backlog). */
const keptUp = (row: Any) => delivery(row).ratio >= 1 && row.latencyMs.p99 < 1000;

function goals(r: Any): string {
  const rows: string[][] = [];
  const fo = r.scenarios?.fanout?.rows ?? [];
  for (const n of [...new Set<number>(fo.map((x: Any) => x.readers))].sort((a, b) => a - b)) {
    const u = fo.find((x: Any) => x.readers === n && x.target === 'unfold');
    const fl = fo.find((x: Any) => x.readers === n && x.target === 'floor');
    if (!u || !fl) continue;
    const p = u.latencyMs.p99 / fl.latencyMs.p99;
    const c = u.serverCpuUsPerWrite / fl.serverCpuUsPerWrite;
    rows.push([`fan-out ${kn(n)}: p99 within 1.3× floor`, `${p.toFixed(2)}×`, p <= 1.3 ? 'yes' : 'no']);
    rows.push([`fan-out ${kn(n)}: CPU per delivered message within 1.3× floor`, `${c.toFixed(2)}×`, c <= 1.3 ? 'yes' : 'no']);
    for (const peer of ['socketio', 'socketio-official']) {
      const sio = fo.find((x: Any) => x.readers === n && x.target === peer);
      if (!sio) continue;
      const measured = `Unfold p99 ${f(u.latencyMs.p99, 0)} ms, ${f(delivery(u).ratio * 100, 2)} % delivered; Socket.IO p99 ${f(sio.latencyMs.p99, 0)} ms, ${f(delivery(sio).ratio * 100, 2)} % (Unfold ÷ Socket.IO p99 ${ratio(u.latencyMs.p99, sio.latencyMs.p99)})`;
      // The goal speaks of where the peer falls behind; where it keeps up, Unfold must keep up too.
      const met = keptUp(sio)
        ? keptUp(u) ? 'yes: both keep up at this size' : 'no'
        : delivery(u).ratio >= delivery(sio).ratio && u.latencyMs.p99 <= sio.latencyMs.p99 ? 'yes' : 'no';
      rows.push([`fan-out ${kn(n)}: keep up where ${NAMES[peer]} falls behind`, measured, met]);
    }
    if (n >= 10_000) rows.push([`fan-out ${kn(n)}: heap per idle reader ≤ 6 KB`, `${f(u.heapPerReaderKB, 2)} KB`, u.heapPerReaderKB <= 6 ? 'yes' : 'no']);
    if (n > 10_000) rows.push([`fan-out ${kn(n)} (most one node holds here): p99 under 1 s`, `${f(u.latencyMs.p99, 0)} ms`, u.latencyMs.p99 < 1000 ? 'yes' : 'no']);
  }
  const pg = r.scenarios?.pages;
  for (const x of pg?.rows ?? []) rows.push([`page ${x.entries} entries ${x.encoding}: ≥ 0.8× nginx`, `${f(x.ratio, 2)}×`, x.ratio >= 0.8 ? 'yes' : 'no']);
  if (pg?.skipped) rows.push(['pages ≥ 0.8× nginx', 'not measured', 'reader page not landed']);
  const st = r.scenarios?.storm;
  if (st) rows.push([`storm ${kn(st.readers)}: 0 lost, 0 duplicated`, `${st.lost} lost, ${st.duplicates} duplicated`, st.lost === 0 && st.duplicates === 0 ? 'yes' : 'no']);
  const w = r.scenarios?.start?.weight;
  if (w) rows.push(['reader page JS+CSS gzipped < 30 KB', `${(w.jsCssGzip / 1024).toFixed(1)} KB`, w.jsCssGzip < 30 * 1024 ? 'yes' : 'no']);
  return rows.length ? table(['goal (issue 5)', 'measured', 'met'], rows) : '_No figures yet._';
}

const failure = (s: Any | undefined) => (s?.error ? `\n\n**The run of ${s.run} failed here:** \`${String(s.error).replace(/`/g, "'").split('\n')[0]}\`` : '');

export function renderReport(r: Any): string {
  const notesPath = path.join(BENCH_DIR, 'notes.md');
  const notes = fs.existsSync(notesPath) ? fs.readFileSync(notesPath, 'utf8').trim() : '';
  const runs: Any[] = r.runs ?? [];
  // Partial runs keep the other figures: name every run whose figures are still shown.
  const shown = new Set<string>();
  const collect = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(collect);
    else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) k === 'run' && typeof v === 'string' ? shown.add(v) : collect(v);
  };
  collect(r.scenarios);
  const runLine = (run: Any, label: string) =>
    `${label}: ${run.at ?? '—'} · \`${run.command ?? ''}\` · ${run.build ?? ''} · Node ${run.node ?? ''} · ${run.cpu ?? ''} · ${run.memoryGB ?? '?'} GB · load average at start ${(run.loadavgAtStart ?? []).join(' / ')}${run.before ? ` · before/after: ${run.before}` : ''}`;
  const last = runs[runs.length - 1] ?? {};
  const earlier = runs.slice(0, -1).filter((run) => shown.has(run.at)).reverse();
  return `# Benchmarks

_Generated by \`npm run bench\` from \`bench/results.json\`; do not edit by hand (prose: \`bench/notes.md\`)._

**These machines are noisy** (2 shared cores; other work ran beside these runs), so single
figures move from run to run; what holds is each figure's **ratio** to its floor or peer,
measured in the same run, one right after the other. The server under test runs pinned to
core 0 (\`taskset -c 0\`) and the load process to core 1, as separate processes; all load
goes to 127.0.0.0/8 on this machine.

${[runLine(last, 'Last run'), ...earlier.map((run) => runLine(run, 'Also shown, from an earlier run'))].join('\n\n')}

Each table names the run its figures come from.

## Goals

${goals(r)}

## 1. Fan-out: one live blog, N SSE readers

Readers: raw sockets in one load process, spread over several 127.x.y.z source addresses
(1k per address). Publishing: open loop, each message scheduled in advance; Unfold's go
through \`POST /api/v1/liveblogs/{id}/entries\` (token, validation, Markdown, commit),
the floor's and Socket.IO's through a bare \`POST /publish\`; all carry the same ~600-byte
Markdown body in an entry-shaped JSON, and their headline carries the sequence number and
send time. Latency = publish sent → message parsed by the reader (both ends in the load
process's clock). Socket.IO is measured twice: with Socket.IO's own client
(\`socket.io-client\`, WebSocket only), and with a lean Engine.IO v4 client over \`ws\` that
speaks the same wire protocol, so that the load process's per-socket cost — not the server's
— does not set the Socket.IO figures (the server is the same in both).

${fanout(r.scenarios?.fanout)}${failure(r.scenarios?.fanout)}

## 2. Reader page vs nginx

${pages(r.scenarios?.pages)}${failure(r.scenarios?.pages)}

## 3. Writes

${writes(r.scenarios?.writes)}${failure(r.scenarios?.writes)}

## 4. Reconnect storm

${storm(r.scenarios?.storm)}${failure(r.scenarios?.storm)}

## 5. Start and page weight

${start(r.scenarios?.start)}${failure(r.scenarios?.start)}

${notes}

## Runs

${table(['at', 'command', 'build', 'load avg'], runs.slice(-8).map((x) => [x.at, `\`${x.command}\``, x.build + (x.before ? `; before = ${x.before}` : ''), (x.loadavgAtStart ?? []).join(' / ')]))}
`;
}
