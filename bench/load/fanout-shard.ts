/**
 * One load process's share of a fan-out too large for one process's open files (forked by
 * fanout-multi.ts, on the load core like it). It connects its readers, records every
 * arrival as (reader, sequence, time) and, told what was published and when, reports the
 * same counts fanout-load.ts computes — delivered per message, duplicates, gaps, the parts
 * of the exact loss count, latency samples — for the coordinator to merge.
 *
 * Times are CLOCK_MONOTONIC (process.hrtime), which every process on the machine shares,
 * so a send time taken in the coordinator and an arrival taken here compare directly.
 */
import { makeReader, type Reader, type Sink } from './readers.ts';
import { mono, type FromShard, type ShardArgs, type ToShard } from './shard-protocol.ts';
import { Arrivals } from './arrivals.ts';
import { ConnectQueue } from './connect-queue.ts';

const a = JSON.parse(process.argv[2]) as ShardArgs;
const N = a.readers;
const M = a.messages;
const send = (m: FromShard) => process.send!(m);
// The coordinator gone (crashed or killed) means this run is over.
process.on('disconnect', () => process.exit(1));

const arrivals = new Arrivals(N, M);
const { got, firstAt, lastAt, firstCursor, lastCursor } = arrivals;
// Arrivals as (sequence, time); latencies are computed once the send times are known.
const arrSeq = new Int32Array(N * M);
const arrAt = new Float64Array(N * M);
let nArr = 0;
const isOpen = new Uint8Array(N);
const counted = new Uint8Array(N);
let timing = false;
let opened = 0;
let failed = 0;
const failures: Record<string, number> = {};

let waiters: (() => void)[] = [];
const wake = () => {
  const w = waiters;
  waiters = [];
  for (const f of w) f();
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = mono() + ms;
  while (!cond() && mono() < end) await Promise.race([new Promise<void>((r) => waiters.push(r)), sleep(50)]);
  return cond();
}

const sink: Sink = {
  open(r) {
    isOpen[r.index] = 1;
    opened++;
    connects.settled();
    wake();
  },
  message(r, cursor, seq) {
    const i = r.index;
    // As in fanout-load.ts: a reader not open when timing began stays out of every figure.
    if (timing && !counted[i]) return;
    const t = mono();
    if (!arrivals.record(i, cursor, seq, t)) return;
    if (seq >= 0 && seq < M) {
      arrSeq[nArr] = seq;
      arrAt[nArr++] = t;
    }
  },
  closed(_r, why) {
    failures[why] = (failures[why] ?? 0) + 1;
    failed++;
    connects.settled();
    wake();
  },
};

const readers: Reader[] = Array.from({ length: N }, (_, i) => makeReader(a.target, i, sink));
const connects = new ConnectQueue(a.connectConcurrency);

const t0 = mono();
connects.start(readers.map((r, i) => () => r.connect(a.addresses[(a.base + i) % a.addresses.length])));
// Looser than one process's bound (60 s + 3 ms a reader): K server processes share one core.
await until(() => opened + failed >= N, 60_000 + a.total * 6);
const connected = opened;
counted.set(isOpen);
timing = true;
send({ t: 'connected', connected, connectMs: mono() - t0 });

process.on('message', async (m: ToShard) => {
  if (m.t !== 'drain') return;
  await until(() => arrivals.complete(m.committed, connected), m.drainMs);
  const drainedAt = mono();
  const latencies = new Float32Array(nArr);
  for (let j = 0; j < nArr; j++) latencies[j] = arrAt[j] - m.sendAt[arrSeq[j]];
  let withMessages = 0;
  let without = 0;
  let sumFirst = 0;
  let sumLast = 0;
  let maxCursor = 0;
  let minFirst = Infinity;
  for (let i = 0; i < N; i++) {
    if (!counted[i]) continue;
    if (lastCursor[i] < 0) {
      without++;
      continue;
    }
    withMessages++;
    sumFirst += firstCursor[i];
    sumLast += lastCursor[i];
    if (lastCursor[i] > maxCursor) maxCursor = lastCursor[i];
    if (firstCursor[i] < minFirst) minFirst = firstCursor[i];
  }
  for (const r of readers) r.drop();
  send({ t: 'result', connected, got, firstAt, lastAt, latencies, dup: arrivals.duplicates, gaps: arrivals.gaps, withMessages, without, sumFirst, sumLast, maxCursor, minFirst, drainedAt, failures });
});
