/**
 * The bus carries committed changes to the stream hubs of every node. Writers publish
 * after commit; hubs subscribe. The in-process bus serves one node; the Redis bus
 * (redis-bus.ts) spans many. Which one runs is chosen in runtime.ts, nowhere else.
 */
import type { Change } from './change-log.ts';

export interface Bus {
  publish(change: Change): Promise<void>;
  /** Every change published on any node, in the order this node receives it. */
  subscribe(handler: (change: Change) => void): void;
  /** Called when the bus comes back after an outage: hubs then catch up from the change log. */
  onResume(handler: () => void): void;
  close(): Promise<void>;
}

/**
 * Publishes after commit. A publish that fails loses nothing: the change is in the log
 * and every hub resyncs from it, so the write that made it still succeeds.
 */
export async function publishCommitted(bus: Bus, change: Change | null): Promise<void> {
  if (change) await bus.publish(change).catch(() => {});
}

export class MemoryBus implements Bus {
  private handlers: ((c: Change) => void)[] = [];
  async publish(change: Change): Promise<void> {
    for (const h of this.handlers) h(change);
  }
  subscribe(handler: (change: Change) => void): void {
    this.handlers.push(handler);
  }
  onResume(): void {
    // An in-process bus never drops out.
  }
  async close(): Promise<void> {
    this.handlers = [];
  }
}
