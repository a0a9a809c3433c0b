/**
 * The fan-out load for more readers than one process may hold sockets (20,000 open files
 * here): this coordinator forks `processes` shards (fanout-shard.ts; all on this process's
 * core, which they inherit), each holding a share of the readers; once all are connected it
 * publishes exactly as fanout-load.ts does (warm-up, then open loop), tells every shard what
 * was committed and when it was sent, and merges their counts into the same result:
 * delivered per message summed, latency samples pooled, duplicates and gaps summed, and
 * the exact loss count computed from each shard's sums (see `lost` below).
 *
 * Arg (JSON): LoadArgs & { processes }. Fan-out mode only. Prints `BENCH_RESULT {json}`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childArgs, report } from '../lib/proc.ts';
import { round } from '../lib/stats.ts';
import type { LoadArgs } from './fanout-load.ts';
import { fanoutResult } from './fanout-result.ts';
import { mono, type FromShard, type ShardArgs, type ShardResult, type ToShard } from './shard-protocol.ts';
import { warmUp } from './warmup.ts';
import { closeLoadHttp, publishMessage, serverStats } from './load-http.ts';

const a = childArgs<LoadArgs & { processes: number }>();
const N = a.readers;
const M = a.messages;
const S = a.processes;
const hardStop = setTimeout(() => {
  report({ error: 'load process hit its 15-minute bound' });
  process.exit(2);
}, 15 * 60_000);
hardStop.unref();

const stats = (gc: boolean) => serverStats(a.target.port, gc);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the shards ----
const shardScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fanout-shard.ts');
const shards: { child: ChildProcess; readers: number; messages: FromShard[]; waiters: (() => void)[] }[] = [];
for (let s = 0, base = 0; s < S; s++) {
  const readers = Math.floor(N / S) + (s < N % S ? 1 : 0);
  const args: ShardArgs = { target: a.target, readers, base, total: N, addresses: a.addresses, messages: M, connectConcurrency: a.connectConcurrency };
  base += readers;
  const child = fork(shardScript, [JSON.stringify(args)], { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const shard = { child, readers, messages: [] as FromShard[], waiters: [] as (() => void)[] };
  child.on('message', (m: FromShard) => {
    shard.messages.push(m);
    for (const w of shard.waiters.splice(0)) w();
  });
  child.on('exit', () => {
    for (const w of shard.waiters.splice(0)) w();
  });
  shards.push(shard);
}
process.on('exit', () => {
  for (const s of shards) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

/** The shard's next message of type `t` (bounded; rejects when it exits or the bound passes). */
async function await_<T extends FromShard['t']>(s: (typeof shards)[number], t: T, ms: number): Promise<Extract<FromShard, { t: T }>> {
  const end = Date.now() + ms;
  for (;;) {
    const m = s.messages.find((x) => x.t === t);
    if (m) return m as Extract<FromShard, { t: T }>;
    if (s.child.exitCode !== null) throw new Error(`a load shard exited (${s.child.exitCode}) before "${t}"`);
    if (Date.now() > end) throw new Error(`a load shard sent no "${t}" within ${ms} ms`);
    await Promise.race([new Promise<void>((r) => s.waiters.push(r)), sleep(500)]);
  }
}

// ---- publishing, as in fanout-load.ts (send times on the shared monotonic clock) ----
const sendAt = new Float64Array(M).fill(NaN);
const committed = new Uint8Array(M);
const ackMs: number[] = [];
const failures = new Map<string, number>();
const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);

async function publish(seq: number): Promise<void> {
  const t = mono();
  if (seq >= 0) sendAt[seq] = t;
  const stamp = performance.timeOrigin + performance.now();
  try {
    const status = await publishMessage(a.publish, seq, stamp);
    if (status < 300 && seq < 0) return;
    if (status < 300) {
      ackMs.push(mono() - t);
      committed[seq] = 1;
    } else fail(`publish ${status}`);
  } catch (e) {
    fail(`publish ${(e as Error).message}`);
  }
}

async function main() {
  const idle = await stats(true);
  const hello = await Promise.all(shards.map((s) => await_(s, 'connected', 60_000 + N * 6 + 30_000)));
  const connected = hello.reduce((x, h) => x + h.connected, 0);
  const connectMs = Math.max(...hello.map((h) => h.connectMs));
  await sleep(Math.min(3000, 500 + N / 20));
  const held = await stats(true);

  await warmUp(publish, a);
  const before = await stats(false);

  const start = mono() + 100;
  const sends: Promise<void>[] = [];
  for (let k = 0; k < M; k++) {
    const wait = start + (k * 1000) / a.rate - mono();
    if (wait > 1) await sleep(wait);
    sends.push(publish(k));
  }
  await Promise.all(sends);
  const lastSent = mono();
  for (const s of shards) s.child.send({ t: 'drain', committed, sendAt, drainMs: a.drainMs } satisfies ToShard);
  const parts: ShardResult[] = await Promise.all(shards.map((s) => await_(s, 'result', a.drainMs + 120_000)));
  const after = await stats(false);

  // ---- merge ----
  const got = new Int32Array(M);
  const firstAt = new Float64Array(M).fill(Infinity);
  const lastAt = new Float64Array(M).fill(0);
  let dup = 0;
  let lost = 0;
  let maxCursor = 0;
  let minFirst = Infinity;
  for (const p of parts) {
    for (let k = 0; k < M; k++) {
      got[k] += p.got[k];
      if (p.firstAt[k] < firstAt[k]) firstAt[k] = p.firstAt[k];
      if (p.lastAt[k] > lastAt[k]) lastAt[k] = p.lastAt[k];
    }
    dup += p.dup;
    lost += p.gaps;
    maxCursor = Math.max(maxCursor, p.maxCursor);
    minFirst = Math.min(minFirst, p.minFirst);
    for (const [k, v] of Object.entries(p.failures)) failures.set(k, (failures.get(k) ?? 0) + v);
  }
  // fanout-load.ts's exact loss, summed per reader over all shards: a reader with nothing
  // lost every cursor from the first anyone saw to the last; any other lost its missing
  // tail (maxCursor − last) and head (first − minFirst). Linear, so per-shard sums suffice.
  for (const p of parts) lost += p.without * (maxCursor - minFirst + 1) + p.withMessages * maxCursor - p.sumLast + p.sumFirst - p.withMessages * minFirst;
  for (let k = 0; k < M; k++) if (got[k] > 0) committed[k] = 1;
  const delivered = got.reduce((s, x) => s + x, 0);
  const committedCount = committed.reduce((s, x) => s + x, 0);
  const expected = committedCount * connected;
  const pooled = new Float32Array(parts.reduce((s, p) => s + p.latencies.length, 0));
  let off = 0;
  for (const p of parts) {
    pooled.set(p.latencies, off);
    off += p.latencies.length;
  }
  report({
    ...fanoutResult({
      readers: N, connected, connectMs, messages: M, committed: committedCount, rate: a.rate, delivered, expected,
      drainedAfterMs: Math.max(...parts.map((p) => p.drainedAt)) - lastSent, latencies: pooled, sendAt, firstAt, lastAt, got, ackMs,
      idle, held, before, after, duplicates: dup, lost, failures,
    }),
    serverProcesses: held.processes ?? 1,
    // Of the CPU above, what helper processes (Unfold's private Redis) spent.
    serverHelperCpuMs: round((((after as { helpersCpuUs?: number }).helpersCpuUs ?? 0) - ((before as { helpersCpuUs?: number }).helpersCpuUs ?? 0)) / 1000, 1),
    serverReadersPerProcess: (held as { perProcess?: { readers: number }[] }).perProcess?.map((p) => p.readers),
    loadProcesses: S,
  });
  closeLoadHttp();
  process.exit(0);
}

main().catch((e) => {
  report({ error: String(e?.stack ?? e) });
  process.exit(1);
});
