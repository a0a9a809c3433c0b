/**
 * The untimed messages every fan-out run sends before it measures (sequence -1: delivered
 * and checked for order, never timed), for both load modes. They let each server's JIT
 * settle on its hot paths — for Unfold the whole write path, which at 1k readers weighs
 * on the CPU per delivered message, and which V8 is still compiling tens of messages in —
 * and the pause after them lets any backlog they caused drain before the clock starts.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WarmupArgs {
  warmup: number;
  /** Messages per second while warming up (default: the timed rate). */
  warmupRate?: number;
  rate: number;
}

export async function warmUp(publish: (seq: number) => Promise<unknown>, a: WarmupArgs): Promise<void> {
  const gap = 1000 / (a.warmupRate ?? a.rate);
  for (let w = 0; w < a.warmup; w++) {
    await publish(-1);
    await sleep(gap);
  }
  await sleep(a.warmup > 5 ? 1000 : 300);
}
