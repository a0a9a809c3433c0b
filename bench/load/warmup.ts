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
