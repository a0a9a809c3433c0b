/**
 * What every server under test reports at GET /__bench/stats (bench processes only, never
 * the product): its own CPU time, memory (after a full GC when ?gc=1 and --expose-gc),
 * how many readers it holds, and how long each fan-out loop took.
 */

export interface ServerStats {
  cpuUserUs: number;
  cpuSystemUs: number;
  rss: number;
  heapUsed: number;
  /** Heap plus array buffers (socket buffers, Buffers) — what a reader costs beyond the JS heap. */
  external: number;
  readers: number;
  fanouts: number[];
}

export class FanoutTimer {
  samples: number[] = [];
  /**
   * Times `fn` up to the end of the nextTicks it queued: Node's ServerResponse.write only
   * queues its socket writes until a nextTick uncorks them, so stopping the clock when the
   * loop returns would leave out the very writes being measured.
   */
  time<T>(fn: () => T): T {
    const t = performance.now();
    try {
      return fn();
    } finally {
      process.nextTick(() => {
        if (this.samples.length < 100_000) this.samples.push(performance.now() - t);
      });
    }
  }
}

export function serverStats(readers: number, timer: FanoutTimer, gc: boolean): ServerStats {
  const g = (globalThis as { gc?: () => void }).gc;
  if (gc && g) {
    g();
    g();
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    external: mem.external + mem.arrayBuffers,
    readers,
    fanouts: timer.samples.splice(0),
  };
}
