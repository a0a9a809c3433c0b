/**
 * The row a fan-out load run reports, from its raw counts and the server's stats before,
 * idle and during the run: one shape for the one-process load (fanout-load.ts) and the
 * merged shards (fanout-multi.ts), so the report reads both alike.
 */
import { summarize, round } from '../lib/stats.ts';
import type { ServerStats } from '../lib/server-stats.ts';

export interface FanoutCounts {
  readers: number;
  connected: number;
  connectMs: number;
  messages: number;
  committed: number;
  rate: number;
  delivered: number;
  expected: number;
  drainedAfterMs: number;
  /** Every publish → received latency, ms. */
  latencies: ArrayLike<number>;
  /** Per message: when it was sent, and its first and last arrival (ms); got = readers that had it. */
  sendAt: ArrayLike<number>;
  firstAt: ArrayLike<number>;
  lastAt: ArrayLike<number>;
  got: ArrayLike<number>;
  ackMs: ArrayLike<number>;
  /** Server stats: `idle` with no readers, `held` with them connected, `before`/`after` the timed publishes. */
  idle: ServerStats;
  held: ServerStats;
  before: ServerStats;
  after: ServerStats;
  duplicates: number;
  lost: number;
  failures: Map<string, number>;
}

export function fanoutResult(c: FanoutCounts): Record<string, unknown> {
  const lat = summarize(c.latencies);
  const cpuUs = c.after.cpuUserUs + c.after.cpuSystemUs - (c.before.cpuUserUs + c.before.cpuSystemUs);
  const fan = summarize(c.after.fanouts);
  const ack = summarize(c.ackMs);
  // Per message: how far apart its first and last arrival were.
  const gaps: number[] = [];
  // …and how long it took to reach its first reader: the write path (for Unfold: token,
  // validation, Markdown, commit) plus the start of the fan-out.
  const firsts: number[] = [];
  for (let k = 0; k < c.messages; k++) {
    if (c.got[k] === 0) continue;
    gaps.push(c.lastAt[k] - c.firstAt[k]);
    firsts.push(c.firstAt[k] - c.sendAt[k]);
  }
  const spread = summarize(gaps);
  const first = summarize(firsts);
  const perReader = (bytes: number) => round(bytes / 1024 / Math.max(1, c.connected), 2);
  return {
    readers: c.readers,
    connected: c.connected,
    connectMs: round(c.connectMs, 0),
    messages: c.messages,
    committed: c.committed,
    rate: c.rate,
    delivered: c.delivered,
    expected: c.expected,
    deliveredRatio: round(c.delivered / Math.max(1, c.expected), 4),
    missingAtEnd: c.expected - c.delivered,
    drainedAfterMs: round(c.drainedAfterMs, 0),
    latencyMs: { p50: round(lat.p50, 1), p99: round(lat.p99, 1), max: round(lat.max, 1), mean: round(lat.mean, 1) },
    // Per message: first and last arrival after its send, to see whether the run kept up.
    perMessageMs: Array.from({ length: Math.min(c.messages, 300) }, (_, k) => (c.got[k] ? [round(c.firstAt[k] - c.sendAt[k], 0), round(c.lastAt[k] - c.sendAt[k], 0)] : null)),
    publishAckMs: { p50: round(ack.p50, 1), p99: round(ack.p99, 1) },
    clientSpreadMs: { p50: round(spread.p50, 1), p99: round(spread.p99, 1) },
    firstReaderMs: { p50: round(first.p50, 2), p99: round(first.p99, 1) },
    // Per fan-out loop in each server process (K samples per message with K processes).
    fanoutLoopMs: { p50: round(fan.p50, 2), p99: round(fan.p99, 2), max: round(fan.max, 2), n: fan.n },
    serverCpuMsPerMessage: round(cpuUs / 1000 / Math.max(1, c.committed), 2),
    serverCpuUsPerWrite: round(cpuUs / Math.max(1, c.delivered), 2),
    rssMB: round(c.held.rss / 2 ** 20, 1),
    rssPerReaderKB: perReader(c.held.rss - c.idle.rss),
    heapPerReaderKB: perReader(c.held.heapUsed - c.idle.heapUsed),
    externalPerReaderKB: perReader(c.held.external - c.idle.external),
    serverReaders: c.held.readers,
    duplicates: c.duplicates,
    lost: c.lost,
    failures: Object.fromEntries(c.failures),
  };
}
