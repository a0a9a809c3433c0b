/**
 * The load process of the fan-out and reconnect-storm benchmarks (run on its own core).
 * It connects N readers, publishes M messages at a fixed rate (open loop: each send is
 * scheduled in advance and never waits for the previous answer), and records, per
 * message and reader, publish → received. In storm mode it drops every reader at once
 * partway through and reconnects them with Last-Event-ID while publishing goes on, then
 * counts, exactly, every lost and duplicated change per reader.
 *
 * Arg (JSON): LoadArgs. Prints `BENCH_RESULT {json}`.
 */
import { childArgs, report } from '../lib/proc.ts';
import { summarize, round } from '../lib/stats.ts';
import { fanoutResult } from './fanout-result.ts';
import { Arrivals } from './arrivals.ts';
import { makeReader, type Reader, type Sink, type Target } from './readers.ts';
import { leadIn, warmUp, type WarmupArgs } from './warmup.ts';
import type { ServerStats } from '../lib/server-stats.ts';
import { closeLoadHttp, publishMessage, serverStats, warmWrite, type PublishTarget } from './load-http.ts';
import { ConnectQueue } from './connect-queue.ts';

/** The warm-up's fields (`warmup`, `warmupRate`, `writeWarmup`, `rate`) are WarmupArgs'. */
export interface LoadArgs extends WarmupArgs {
  mode: 'fanout' | 'storm';
  target: Target;
  readers: number;
  /** Source addresses for the first connections, and (storm) for the reconnections. */
  addresses: string[];
  reconnectAddresses?: string[];
  publish: PublishTarget;
  messages: number;
  /** Storm: drop everyone after this many messages were sent. */
  dropAfter?: number;
  drainMs: number;
  connectConcurrency: number;
}

const a = childArgs<LoadArgs>();
const N = a.readers;
const M = a.messages;
const deadline = Date.now() + 15 * 60_000; // no run of this process lasts longer than this
const hardStop = setTimeout(() => {
  report({ error: 'load process hit its 15-minute bound' });
  process.exit(2);
}, deadline - Date.now());
hardStop.unref();

const stats = (gc: boolean) => serverStats(a.target.port, gc);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

// ---- per-reader and per-message state, in flat arrays (no per-message objects) ----
const sendAt = new Float64Array(M).fill(NaN);
const committed = new Uint8Array(M);
const arrivals = new Arrivals(N, M);
const { got, firstAt, lastAt, firstCursor, lastCursor } = arrivals;
const latencies = new Float32Array(N * M);
let nLat = 0;
const lastSeq = new Int32Array(N).fill(-1);
const isOpen = new Uint8Array(N);
const counted = new Uint8Array(N);
let opened = 0;
let failed = 0;
let reconnects = 0;
let phase: 'connect' | 'run' | 'reconnect' = 'connect';
let committedSeq = -1;
// Storm bookkeeping: when each reader came back, what it had to reach, when it did.
const stormTarget = new Int32Array(N).fill(-1);
const caughtAt = new Float64Array(N).fill(NaN);
const reopenedAt = new Float64Array(N).fill(NaN);
let droppedAt = NaN;
const failures = new Map<string, number>();
// How long each publish took to be answered (Unfold: auth, Markdown, commit with fsync, fan-out).
const ackMs: number[] = [];

let waiters: (() => void)[] = [];
const wake = () => {
  const w = waiters;
  waiters = [];
  for (const f of w) f();
};
const until = async (cond: () => boolean, ms: number) => {
  const end = now() + ms;
  while (!cond() && now() < end) await Promise.race([new Promise<void>((r) => waiters.push(r)), sleep(50)]);
  return cond();
};

const readers: Reader[] = [];
const sink: Sink = {
  open(r) {
    isOpen[r.index] = 1;
    if (phase === 'reconnect') {
      reopenedAt[r.index] = now();
      stormTarget[r.index] = committedSeq;
      if (lastSeq[r.index] >= committedSeq) caughtAt[r.index] = now();
    }
    opened++;
    connects.settled();
    wake();
  },
  message(r, cursor, seq) {
    const i = r.index;
    // A reader that was not open when timing began (its handshake outlasted the connect
    // bound) is left out of every figure rather than skewing them.
    if (phase !== 'connect' && !counted[i]) return;
    const t = now();
    if (!arrivals.record(i, cursor, seq, t)) return;
    if (seq >= 0 && seq < M) {
      lastSeq[i] = seq;
      latencies[nLat++] = t - sendAt[seq];
      if (stormTarget[i] >= 0 && Number.isNaN(caughtAt[i]) && seq >= stormTarget[i]) caughtAt[i] = t;
    }
  },
  closed(r, why) {
    failures.set(why, (failures.get(why) ?? 0) + 1);
    if (phase === 'reconnect' && Number.isNaN(reopenedAt[r.index]) && reconnects < N * 5) {
      // Like EventSource: try again shortly with the newest Last-Event-ID.
      reconnects++;
      setTimeout(() => r.connect(addr(r.index, true), lastCursor[r.index] >= 0 ? lastCursor[r.index] : undefined), 100);
      return;
    }
    failed++;
    connects.settled();
    wake();
  },
};

const addr = (i: number, second = false) => {
  const list = second && a.reconnectAddresses?.length ? a.reconnectAddresses : a.addresses;
  return list[i % list.length];
};

const connects = new ConnectQueue(a.connectConcurrency);

async function connectAll(second: boolean): Promise<number> {
  const t0 = now();
  opened = 0;
  failed = 0;
  connects.start(readers.map((r, i) => () => r.connect(addr(i, second), second && lastCursor[i] >= 0 ? lastCursor[i] : undefined)));
  await until(() => opened + failed >= N, 60_000 + N * 3);
  return now() - t0;
}

async function publish(seq: number): Promise<void> {
  const t = now();
  if (seq >= 0) sendAt[seq] = t;
  const stamp = performance.timeOrigin + t;
  try {
    const status = await publishMessage(a.publish, seq, stamp);
    if (status < 300 && seq < 0) return;
    if (status < 300) {
      ackMs.push(now() - t);
      committed[seq] = 1;
      while (committed[committedSeq + 1]) committedSeq++;
    } else failures.set(`publish ${status}`, (failures.get(`publish ${status}`) ?? 0) + 1);
  } catch (e) {
    failures.set(`publish ${(e as Error).message}`, (failures.get(`publish ${(e as Error).message}`) ?? 0) + 1);
  }
}

async function main() {
  const idle = await stats(true);
  for (let i = 0; i < N; i++) readers.push(makeReader(a.target, i, sink));
  const connectMs = await connectAll(false);
  const connected = opened;
  counted.set(isOpen);
  await sleep(Math.min(3000, 500 + N / 20));
  const held = await stats(true);

  await warmUp(publish, a, a.publish.warmLiveblogId ? (i) => warmWrite(a.publish, i) : undefined);
  // The lead-in (warmup.ts, 3.): untimed messages on the timed schedule, no pause after.
  const lead = leadIn(a.rate);
  let before: Promise<ServerStats> | null = lead === 0 ? Promise.resolve(await stats(false)) : null;

  // Open loop: message k goes out at start + k/rate whatever happened to message k-1.
  phase = 'run';
  const start = now() + 100;
  const sends: Promise<void>[] = [];
  let reconnectMs = NaN;
  let stormDone: Promise<void> | null = null;
  for (let k = -lead; k < M; k++) {
    const due = start + ((k + lead) * 1000) / a.rate;
    const wait = due - now();
    if (wait > 1) await sleep(wait);
    if (k < 0) {
      const sent = publish(-1);
      // The clock's start: the server's CPU once the last lead-in message is answered
      // (after its fan-out), a few ms to one interval before the first timed one arrives.
      if (k === -1) before = sent.then(() => stats(false));
      continue;
    }
    sends.push(publish(k));
    if (a.mode === 'storm' && k + 1 === a.dropAfter) {
      await Promise.all(sends); // the dropped readers must have a committed change to come back to
      droppedAt = now();
      for (const r of readers) r.drop();
      phase = 'reconnect';
      stormDone = connectAll(true).then((ms) => void (reconnectMs = ms));
    }
  }
  await Promise.all(sends);
  const lastSent = now();
  // Storm: every reader must be back (or out of tries) before the drain bound starts.
  if (stormDone) await stormDone;
  const expectEach = connected;
  await until(() => arrivals.complete(committed, expectEach), a.drainMs);
  const drainedAfter = now() - lastSent;
  const after = await stats(false);

  // ---- results ----
  // A publish answered after the 30 s request bound still went out if anyone received it.
  for (let k = 0; k < M; k++) if (got[k] > 0) committed[k] = 1;
  const delivered = got.reduce((s, x) => s + x, 0);
  const committedCount = committed.reduce((s, x) => s + x, 0);
  const expected = committedCount * expectEach;
  // Exact loss count: every reader must hold every cursor from the first one to the last.
  let lost = arrivals.gaps;
  let maxCursor = 0;
  let minFirst = Infinity;
  for (let i = 0; i < N; i++) {
    if (!counted[i]) continue;
    if (lastCursor[i] > maxCursor) maxCursor = lastCursor[i];
    if (firstCursor[i] >= 0 && firstCursor[i] < minFirst) minFirst = firstCursor[i];
  }
  for (let i = 0; i < N; i++) {
    if (!counted[i]) continue;
    if (lastCursor[i] < 0) lost += maxCursor - minFirst + 1;
    else lost += maxCursor - lastCursor[i] + (firstCursor[i] - minFirst);
  }
  const result = fanoutResult({
    readers: N, connected, connectMs, messages: M, committed: committedCount, rate: a.rate, delivered, expected,
    drainedAfterMs: drainedAfter, latencies: latencies.subarray(0, nLat), sendAt, firstAt, lastAt, got, ackMs,
    idle, held, before: await before!, after, duplicates: arrivals.duplicates, lost, failures,
  });
  if (a.mode === 'storm') {
    const caught: number[] = [];
    let notCaught = 0;
    for (let i = 0; i < N; i++) {
      if (!counted[i]) continue;
      if (Number.isNaN(caughtAt[i])) notCaught++;
      else caught.push(caughtAt[i] - droppedAt);
    }
    const c = summarize(caught);
    result.storm = {
      droppedAfterMessages: a.dropAfter,
      reconnectAllMs: round(reconnectMs, 0),
      allCaughtUpMs: notCaught ? null : round(c.max, 0),
      caughtUpP50Ms: round(c.p50, 0),
      notCaughtUp: notCaught,
      retries: reconnects,
      finalCursor: maxCursor,
    };
  }
  for (const r of readers) r.drop();
  closeLoadHttp();
  report(result);
  process.exit(0);
}

main().catch((e) => {
  report({ error: String(e?.stack ?? e) });
  process.exit(1);
});
