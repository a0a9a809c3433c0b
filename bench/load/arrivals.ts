/**
 * What the readers of one load process received, counted exactly and in flat arrays (no
 * per-message objects): per reader its first and last cursor, from which duplicates and
 * gaps follow; per message how many readers got it and its first and last arrival. The
 * one-process load (fanout-load.ts) and each shard of a multi-process one count alike.
 */
export class Arrivals {
  /** Per message (by sequence number): readers that got it, first and last arrival time. */
  readonly got: Int32Array;
  readonly firstAt: Float64Array;
  readonly lastAt: Float64Array;
  /** Per reader: the first and last cursor it received (-1: none yet). */
  readonly firstCursor: Float64Array;
  readonly lastCursor: Float64Array;
  duplicates = 0;
  /** Cursors skipped between two a reader received. */
  gaps = 0;

  constructor(readers: number, messages: number) {
    this.got = new Int32Array(messages);
    this.firstAt = new Float64Array(messages).fill(Infinity);
    this.lastAt = new Float64Array(messages).fill(0);
    this.firstCursor = new Float64Array(readers).fill(-1);
    this.lastCursor = new Float64Array(readers).fill(-1);
  }

  /**
   * Reader `i` received `cursor` at `t`, carrying message `seq` (-1 for a change that is
   * not a timed message). False for a duplicate, which is counted and otherwise ignored.
   */
  record(i: number, cursor: number, seq: number, t: number): boolean {
    const prev = this.lastCursor[i];
    if (prev >= 0) {
      if (cursor <= prev) {
        this.duplicates++;
        return false;
      }
      if (cursor > prev + 1) this.gaps += cursor - prev - 1;
    } else this.firstCursor[i] = cursor;
    this.lastCursor[i] = cursor;
    if (seq >= 0 && seq < this.got.length) {
      this.got[seq]++;
      if (t < this.firstAt[seq]) this.firstAt[seq] = t;
      if (t > this.lastAt[seq]) this.lastAt[seq] = t;
    }
    return true;
  }

  /** Whether every committed message (`committed[k]` set) has reached `readers` readers. */
  complete(committed: ArrayLike<number>, readers: number): boolean {
    for (let k = 0; k < this.got.length; k++) if (committed[k] && this.got[k] < readers) return false;
    return true;
  }
}
