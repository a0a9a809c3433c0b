/**
 * Connects readers with a bounded number of handshakes in flight (the server's accept
 * queue is finite), for the one-process load and each shard of the multi-process one.
 * The reader's sink calls `settled()` when a connect opened or failed.
 */
export class ConnectQueue {
  private queue: (() => void)[] = [];
  private inflight = 0;

  constructor(private readonly concurrency: number) {}

  /** Starts these connects (forgetting any still queued from an earlier round). */
  start(connects: (() => void)[]): void {
    this.queue = connects;
    this.inflight = 0;
    this.pump();
  }

  settled(): void {
    this.inflight = Math.max(0, this.inflight - 1);
    this.pump();
  }

  private pump(): void {
    while (this.inflight < this.concurrency && this.queue.length) {
      this.inflight++;
      this.queue.shift()!();
    }
  }
}
