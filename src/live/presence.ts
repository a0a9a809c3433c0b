/**
 * Reader counts. Each node knows its own readers; `total` turns that into the count
 * shown to readers. One node: the local count. Many nodes: redis-presence.ts sums the
 * counts every node reports.
 */
export interface Presence {
  /** Reports this node's readers of a live blog and answers the total across nodes. */
  total(liveblogId: string, localReaders: number): Promise<number>;
  close(): Promise<void>;
}

export class LocalPresence implements Presence {
  async total(_liveblogId: string, localReaders: number): Promise<number> {
    return localReaders;
  }
  async close(): Promise<void> {}
}
