/**
 * Bench servers as K processes on one port (node:cluster, round-robin), for fan-outs larger
 * than one process may open sockets (20,000 files here). The primary forks the workers,
 * prints BENCH_READY once all listen, and answers /__bench/stats for all of them: the
 * worker that gets the request asks the primary, which asks every worker (and counts
 * itself and any helper process, e.g. a private redis-server) and sums.
 *
 * All processes inherit the primary's CPU pinning (taskset), so the server side stays on
 * its core however many processes it has.
 */
import cluster from 'node:cluster';
import fs from 'node:fs';
import { announce } from '../lib/proc.ts';
import type { ServerStats } from '../lib/server-stats.ts';

type Msg =
  | { t: 'stats?'; id: number; gc: boolean } // worker → primary, and primary → every worker
  | { t: 'stats!'; id: number; stats: ServerStats } // a worker's own figures
  | { t: 'stats='; id: number; stats: ServerStats & { processes: number } } // the sum (Summed), to the asking worker
  | { t: 'relay'; id: number; body: unknown } // worker → primary: send body to every worker
  | { t: 'relayed'; id: number } // primary → the relaying worker, once every worker handled it
  | { t: 'fan'; id: number; body: unknown } // primary → every worker
  | { t: 'fanned'; id: number }; // worker → primary

const TICK = 100; // Linux clock ticks per second in /proc/<pid>/stat (USER_HZ)

/** CPU (µs) and RSS of another process, from /proc. */
export function procStats(pid: number): { userUs: number; systemUs: number; rss: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name: state is [0], utime [11], stime [12], rss (pages) [21].
    return { userUs: (Number(f[11]) * 1e6) / TICK, systemUs: (Number(f[12]) * 1e6) / TICK, rss: Number(f[21]) * 4096 };
  } catch {
    return { userUs: 0, systemUs: 0, rss: 0 };
  }
}

type Summed = ServerStats & { processes: number; perProcess: { readers: number; rss: number; cpuUs: number }[]; helpersCpuUs: number };

/** Workers' figures summed, plus the primary's and the helpers' CPU and RSS (they hold no heap of the server's). */
function sum(parts: ServerStats[], helperPids: number[]): Summed {
  const self = process.cpuUsage();
  const helpers = helperPids.map(procStats);
  const out: Summed = {
    cpuUserUs: self.user + helpers.reduce((x, h) => x + h.userUs, 0),
    cpuSystemUs: self.system + helpers.reduce((x, h) => x + h.systemUs, 0),
    rss: process.memoryUsage().rss + helpers.reduce((x, h) => x + h.rss, 0),
    heapUsed: 0,
    external: 0,
    readers: 0,
    fanouts: [],
    processes: parts.length,
    perProcess: [],
    helpersCpuUs: helpers.reduce((x, h) => x + h.userUs + h.systemUs, 0),
  };
  for (const p of parts) {
    out.cpuUserUs += p.cpuUserUs;
    out.cpuSystemUs += p.cpuSystemUs;
    out.rss += p.rss;
    out.heapUsed += p.heapUsed;
    out.external += p.external;
    out.readers += p.readers;
    out.fanouts.push(...p.fanouts);
    out.perProcess.push({ readers: p.readers, rss: p.rss, cpuUs: p.cpuUserUs + p.cpuSystemUs });
  }
  return out;
}

export interface PrimaryOptions {
  workers: number;
  /** Environment for every worker. */
  env?: Record<string, string>;
  /** What BENCH_READY carries. */
  info: Record<string, unknown>;
  /** Helper processes whose CPU and memory count as the server's (a private redis-server). */
  helperPids?: number[];
  /** Runs on stop, after the workers are gone. */
  cleanup?: () => Promise<void>;
}

/** The primary: forks, aggregates stats, relays, and stops everything on SIGTERM. */
export function runPrimary(o: PrimaryOptions): void {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const workers = Array.from({ length: o.workers }, (_, i) => cluster.fork({ ...o.env, BENCH_WORKER_INDEX: String(i + 1) }));
  let listening = 0;
  let stopping = false;
  // One entry per request in flight: who asked (and its own id), how many answers are due.
  const pending = new Map<number, { from: (typeof workers)[number]; reqId: number; left: number; parts: ServerStats[]; kind: 'stats' | 'relay' }>();
  let nextId = 0;
  for (const w of workers) {
    w.once('listening', () => {
      if (++listening === o.workers) announce({ ...o.info, pid: process.pid, workers: o.workers });
    });
    w.on('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`bench worker ${w.process.pid} exited (${signal ?? code}); stopping\n`);
        void stop(1);
      }
    });
    w.on('message', (m: Msg) => {
      if (m.t === 'stats?' || m.t === 'relay') {
        const id = ++nextId;
        pending.set(id, { from: w, reqId: m.id, left: workers.length, parts: [], kind: m.t === 'stats?' ? 'stats' : 'relay' });
        const g = (globalThis as { gc?: () => void }).gc;
        if (m.t === 'stats?' && m.gc && g) g();
        for (const x of workers) x.send(m.t === 'stats?' ? ({ t: 'stats?', id, gc: m.gc } satisfies Msg) : ({ t: 'fan', id, body: m.body } satisfies Msg));
        return;
      }
      if (m.t === 'stats!' || m.t === 'fanned') {
        const p = pending.get(m.id);
        if (!p) return;
        if (m.t === 'stats!') p.parts.push(m.stats);
        if (--p.left > 0) return;
        pending.delete(m.id);
        if (p.kind === 'relay') {
          p.from.send({ t: 'relayed', id: p.reqId } satisfies Msg);
          return;
        }
        // The primary and helpers hold no readers but work for them (accepting, relaying, Redis).
        p.from.send({ t: 'stats=', id: p.reqId, stats: sum(p.parts, o.helperPids ?? []) } satisfies Msg);
      }
    });
  }
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((r) => {
            if (w.isDead()) return r();
            w.once('exit', () => r());
            w.process.kill('SIGTERM');
          }),
      ),
    );
    await o.cleanup?.().catch(() => {});
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

export interface WorkerHooks {
  /** This worker's own figures. */
  local(gc: boolean): ServerStats;
  /** Called in every worker for each relayed body (the floor's publish). */
  onFan?(body: unknown): void;
}

/** In a worker: answers the primary, and returns helpers to ask it for the sum or to relay. */
export function joinPrimary(h: WorkerHooks) {
  let nextId = 0;
  const waiting = new Map<number, (m: Msg) => void>();
  process.on('message', (m: Msg) => {
    if (m.t === 'stats?') process.send!({ t: 'stats!', id: m.id, stats: h.local(m.gc) } satisfies Msg);
    else if (m.t === 'fan') {
      h.onFan?.(m.body);
      process.send!({ t: 'fanned', id: m.id } satisfies Msg);
    } else if (m.t === 'stats=' || m.t === 'relayed') {
      waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    }
  });
  const ask = (m: Msg & { id: number }) =>
    new Promise<Msg>((resolve) => {
      waiting.set(m.id, resolve);
      process.send!(m);
    });
  return {
    /** The sum over every process of the server. */
    stats: async (gc: boolean) => ((await ask({ t: 'stats?', id: ++nextId, gc })) as Extract<Msg, { t: 'stats=' }>).stats,
    /** Runs onFan(body) in every worker (this one included); resolves when all have. */
    relay: async (body: unknown) => void (await ask({ t: 'relay', id: ++nextId, body })),
  };
}

export const isWorker = () => cluster.isWorker;
