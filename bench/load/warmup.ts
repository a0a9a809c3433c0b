/**
 * What every fan-out run sends before it measures, for both load modes.
 *
 * 1. Unfold only: `writeWarmup` entries, one after another, to a live blog no reader
 *    follows. At 10 entries a second V8 keeps compiling the write path (Fastify, Kysely,
 *    Markdown, sanitizing) for thousands of entries — `perf` showed its optimizing
 *    compiler at 5–10 % of the server's CPU after 1,500 warm-up messages — which a node
 *    that has been serving for an hour has long finished. Without readers these cost no
 *    fan-out, so they take seconds, not minutes.
 * 2. Every server: `warmup` untimed messages (sequence -1: delivered and checked for order,
 *    never timed) to the measured live blog, so its fan-out path settles too; the pause
 *    after them lets any backlog they caused drain before the clock starts.
 * 3. Every server, when messages come faster than TCP's minimum retransmission timeout
 *    (200 ms): `leadIn(rate)` more untimed messages at the timed rate, the clock starting
 *    right after them with no pause (fanout-load.ts). Linux acknowledges the first 16
 *    segments a connection receives after an idle spell longer than that timeout at once,
 *    one ACK each (quick-ACK mode), instead of delaying and coalescing them; the server's
 *    core handles those ACKs. After the pause above, every socket was in that mode: at 10k
 *    readers the floor's and Unfold's fan-out loops took 105–120 ms a message for the
 *    first 17 timed messages, then 72–80 ms for the rest, and the backlog those 17 built
 *    set both servers' p99. A live blog publishing steadily does not pay that per message;
 *    one that publishes once every few seconds pays it every time, as the 50k run at
 *    0.5 message/s does (no lead-in there: its interval is longer than the timeout).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WarmupArgs {
  warmup: number;
  /** Messages per second while warming up (default: the timed rate). */
  warmupRate?: number;
  rate: number;
  /** Entries written first to the live blog no reader follows (0: none). */
  writeWarmup?: number;
}

export async function warmUp(publish: (seq: number) => Promise<unknown>, a: WarmupArgs, write?: (i: number) => Promise<unknown>): Promise<void> {
  if (write) for (let i = 0; i < (a.writeWarmup ?? 0); i++) await write(i);
  const gap = 1000 / (a.warmupRate ?? a.rate);
  for (let w = 0; w < a.warmup; w++) {
    await publish(-1);
    await sleep(gap);
  }
  await sleep(a.warmup > 5 ? 1000 : 300);
}

/** Linux's quick-ACK count after idle (TCP_MAX_QUICKACKS) and minimum RTO (TCP_RTO_MIN). */
const QUICK_ACKS = 16;
const MIN_RTO_MS = 200;

/** Untimed messages to send at the timed rate just before the clock starts (see 3. above). */
export function leadIn(rate: number): number {
  return 1000 / rate < MIN_RTO_MS ? QUICK_ACKS + 1 : 0;
}
