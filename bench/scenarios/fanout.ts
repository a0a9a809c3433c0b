/**
 * Fan-out: the same N readers (one load process, other core) against the floor (raw
 * `net`), the peer (Socket.IO 4, WebSocket) and Unfold, one after the other in one run.
 * Optionally also Unfold at an earlier commit (`--before REV`) for before/after.
 *
 * More readers than one process may hold sockets (`perProcess`, under the 20,000-file
 * limit here) run as ceil(N / perProcess) processes on each side: the floor and Unfold as
 * that many server processes on one port (node:cluster; Unfold as `serve --workers`
 * runs it, over Redis), the readers split over as many load processes (fanout-multi.ts).
 * Servers stay on core 0 and load on core 1 however many processes there are. Socket.IO
 * would need its Redis adapter to span processes, so it sits those sizes out.
 */
import { runNode, startNode, BENCH_DIR } from '../lib/proc.ts';
import { freePort, sourceAddresses } from '../lib/net.ts';
import type { LoadArgs } from '../load/fanout-load.ts';
import type { Target } from '../load/readers.ts';
import path from 'node:path';

export type FanoutTarget = 'floor' | 'floor-nagle' | 'socketio' | 'socketio-official' | 'unfold' | 'unfold-before';

export interface FanoutOptions {
  readers: number;
  rate: number;
  messages: number;
  targets: FanoutTarget[];
  /** src/ folder of the Unfold under test (a snapshot of a commit), and of the "before" one. */
  src: string;
  beforeSrc?: string;
  /** Extra node flags for the Unfold server (e.g. --cpu-prof). */
  unfoldNodeArgs?: string[];
  quiet?: boolean;
  /** Untimed messages before the timed ones (default 100 up to 1k readers, sent 5× as fast; else 5). */
  warmup?: number;
  /** Unfold: entries written to a live blog no reader follows before the warm-up (warmup.ts). */
  writeWarmup?: number;
  /** Most sockets one process holds; above it both sides run several processes (default 18000). */
  perProcess?: number;
}

export const PER_PROCESS = 18_000;

/** Processes per side for `readers` (1 up to perProcess). */
export const processesFor = (readers: number, perProcess = PER_PROCESS) => Math.max(1, Math.ceil(readers / perProcess));

const MULTI_PROCESS_TARGETS: FanoutTarget[] = ['floor', 'floor-nagle', 'unfold', 'unfold-before'];

export interface FanoutRow {
  key: string;
  target: FanoutTarget;
  readers: number;
  [k: string]: unknown;
}

/** Entries that warm Unfold's write path, without readers, before each run (warmup.ts). */
export const WRITE_WARMUP = 3000;
const SERVER_CORE = 0;
const LOAD_CORE = 1;

type StartTargetOptions = { src: string; beforeSrc?: string; nodeArgs?: string[]; quiet?: boolean; entries?: number; processes?: number };

/** Starts a target's server; once more on failure (the free port may be taken meanwhile). */
export async function startTarget(t: FanoutTarget, o: StartTargetOptions) {
  try {
    return await startTargetOnce(t, o);
  } catch {
    return startTargetOnce(t, o);
  }
}

async function startTargetOnce(t: FanoutTarget, o: StartTargetOptions) {
  const port = await freePort();
  const nodeArgs = ['--expose-gc', '--max-old-space-size=8192', ...(o.nodeArgs ?? [])];
  const processes = o.processes ?? 1;
  if (processes > 1 && !MULTI_PROCESS_TARGETS.includes(t)) throw new Error(`${t} does not run as several processes`);
  if (t === 'floor' || t === 'floor-nagle') {
    const args = { port, ...(processes > 1 ? { processes } : {}), ...(t === 'floor-nagle' ? { nagle: true } : {}) };
    return { port, ...(await startNode(path.join(BENCH_DIR, 'servers/floor-server.ts'), args, { core: SERVER_CORE, nodeArgs, quiet: o.quiet })) };
  }
  if (t === 'socketio' || t === 'socketio-official') return { port, ...(await startNode(path.join(BENCH_DIR, 'servers/socketio-server.ts'), { port }, { core: SERVER_CORE, nodeArgs, quiet: o.quiet })) };
  const srcRoot = t === 'unfold-before' ? o.beforeSrc : o.src;
  return {
    port,
    ...(await startNode<{ token: string; liveblogId: string; slug: string }>(
      path.join(BENCH_DIR, processes > 1 ? 'servers/unfold-workers.ts' : 'servers/unfold-server.ts'),
      processes > 1 ? { port, db: 'sqlite', srcRoot, entries: o.entries ?? 0, processes } : { port, db: 'sqlite', srcRoot, entries: o.entries ?? 0 },
      { core: SERVER_CORE, nodeArgs, quiet: o.quiet },
    )),
  };
}

/** One target at one N: start its server, run the load, stop the server. */
export async function fanoutOne(t: FanoutTarget, o: FanoutOptions, mode: 'fanout' | 'storm' = 'fanout', dropAfter?: number): Promise<FanoutRow> {
  const processes = mode === 'fanout' ? processesFor(o.readers, o.perProcess) : 1;
  if (mode === 'storm' && o.readers > (o.perProcess ?? PER_PROCESS)) throw new Error(`the storm runs in one process: at most ${o.perProcess ?? PER_PROCESS} readers`);
  const srv = await startTarget(t, { src: o.src, beforeSrc: o.beforeSrc, nodeArgs: t.startsWith('unfold') ? o.unfoldNodeArgs : [], quiet: o.quiet, processes });
  try {
    const info = srv.info as { token?: string; liveblogId?: string; warmLiveblogId?: string };
    const target: Target = t === 'socketio' ? { kind: 'sio', port: srv.port } : t === 'socketio-official' ? { kind: 'sio-official', port: srv.port } : { kind: 'sse', port: srv.port, path: t.startsWith('floor') ? '/stream' : `/api/v1/liveblogs/${info.liveblogId}/stream` };
    const args: LoadArgs = {
      mode,
      target,
      readers: o.readers,
      addresses: sourceAddresses(o.readers),
      reconnectAddresses: mode === 'storm' ? sourceAddresses(o.readers) : undefined,
      publish: t.startsWith('unfold') ? { kind: 'unfold', port: srv.port, liveblogId: info.liveblogId, warmLiveblogId: info.warmLiveblogId, token: info.token } : { kind: 'raw', port: srv.port },
      rate: o.rate,
      messages: o.messages,
      dropAfter,
      drainMs: 15_000,
      // Up to 1k readers the write path of each message weighs on the CPU per delivery:
      // 100 untimed messages, five times as fast, let every server's JIT settle first (warmup.ts).
      warmup: o.warmup ?? (o.readers <= 1000 ? 100 : 5),
      warmupRate: o.readers <= 1000 ? o.rate * 5 : o.rate,
      writeWarmup: o.writeWarmup ?? WRITE_WARMUP,
      connectConcurrency: 200,
    };
    const res = await runNode<Record<string, unknown>>(path.join(BENCH_DIR, processes > 1 ? 'load/fanout-multi.ts' : 'load/fanout-load.ts'), processes > 1 ? { ...args, processes } : args, {
      core: LOAD_CORE,
      nodeArgs: ['--max-old-space-size=8192'],
      timeoutMs: 10 * 60_000,
      quiet: o.quiet,
    });
    if (res.error) throw new Error(`${t} @ ${o.readers}: ${res.error}`);
    return { key: `${t}@${o.readers}`, target: t, readers: o.readers, ...res };
  } finally {
    await srv.stop();
  }
}

/**
 * Every target at one N, in `rounds` interleaved rounds (floor, peer, Unfold, floor, …),
 * so that a noisy minute on this shared machine hits all of them alike. Each target's row
 * is its run with the median CPU per delivered message, with the median p50 and p99 over
 * the rounds (a p99 of 100 messages swings with one late message); `rounds` keeps every
 * run's figures, so the spread is in the report too.
 */
export async function fanout(o: FanoutOptions & { rounds?: number }, log: (s: string) => void): Promise<FanoutRow[]> {
  const runs = new Map<FanoutTarget, FanoutRow[]>();
  const multi = processesFor(o.readers, o.perProcess) > 1;
  const rounds = o.rounds ?? 1;
  for (let round = 1; round <= rounds; round++) {
    for (const t of o.targets) {
      if (multi && !MULTI_PROCESS_TARGETS.includes(t)) {
        if (round === 1) log(`fanout: ${t} skipped at ${o.readers} readers: it would need several processes (Socket.IO: its Redis adapter)`);
        continue;
      }
      log(`fanout: ${t} with ${o.readers} readers, ${o.messages} messages at ${o.rate}/s${multi ? `, ${processesFor(o.readers, o.perProcess)} server and load processes` : ''}${rounds > 1 ? ` (round ${round} of ${rounds})` : ''}`);
      const row = await fanoutOne(t, o);
      log(`  → p50 ${(row.latencyMs as { p50: number }).p50} ms, p99 ${(row.latencyMs as { p99: number }).p99} ms, first reader p50 ${(row.firstReaderMs as { p50: number } | undefined)?.p50} ms, delivered ${row.deliveredRatio}, ${row.serverCpuUsPerWrite} µs/write, heap ${row.heapPerReaderKB} KB/reader`);
      runs.set(t, [...(runs.get(t) ?? []), row]);
    }
  }
  return [...runs.values()].map((rs) => {
    const byCpu = [...rs].sort((a, b) => (a.serverCpuUsPerWrite as number) - (b.serverCpuUsPerWrite as number));
    const median = byCpu[Math.floor((byCpu.length - 1) / 2)];
    if (rs.length === 1) return median;
    const lat = (r: FanoutRow) => r.latencyMs as { p50: number; p99: number };
    const first = (r: FanoutRow) => (r.firstReaderMs as { p50: number; p99: number } | undefined) ?? { p50: NaN, p99: NaN };
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    return {
      ...median,
      latencyMs: { ...lat(median), p50: mid(rs.map((r) => lat(r).p50)), p99: mid(rs.map((r) => lat(r).p99)) },
      firstReaderMs: { p50: mid(rs.map((r) => first(r).p50)), p99: mid(rs.map((r) => first(r).p99)) },
      rounds: rs.map((r) => ({ cpuUsPerWrite: r.serverCpuUsPerWrite, p50: lat(r).p50, p99: lat(r).p99, firstReaderP50: first(r).p50 })),
    };
  });
}
