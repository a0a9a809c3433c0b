/** What fanout-multi.ts (the coordinator) and its fanout-shard.ts processes say to each other over IPC. */
import type { Target } from './readers.ts';

export interface ShardArgs {
  target: Target;
  /** This shard's readers, and the global index of its first (for source addresses). */
  readers: number;
  base: number;
  /** Readers over all shards: the connect bound is that of one process holding them all. */
  total: number;
  addresses: string[];
  messages: number;
  connectConcurrency: number;
}

export type ToShard = { t: 'drain'; committed: Uint8Array; sendAt: Float64Array; drainMs: number };

export interface ShardResult {
  t: 'result';
  connected: number;
  got: Int32Array;
  firstAt: Float64Array;
  lastAt: Float64Array;
  latencies: Float32Array;
  dup: number;
  gaps: number;
  /** Loss parts over counted readers: see fanout-multi.ts. */
  withMessages: number;
  without: number;
  sumFirst: number;
  sumLast: number;
  maxCursor: number;
  minFirst: number;
  drainedAt: number;
  failures: Record<string, number>;
}

export type FromShard = { t: 'connected'; connected: number; connectMs: number } | ShardResult;

export const mono = () => Number(process.hrtime.bigint()) / 1e6;
