/**
 * Reconnect storm: N readers of Unfold drop at once and come back with Last-Event-ID
 * while entries keep coming. Reports how long until every reader has everything, and
 * counts lost and duplicated changes per reader exactly (each must be 0).
 */
import { fanoutOne, type FanoutOptions } from './fanout.ts';

export async function storm(o: Omit<FanoutOptions, 'targets'> & { dropAfter: number }, log: (s: string) => void) {
  log(`storm: ${o.readers} Unfold readers drop after ${o.dropAfter} of ${o.messages} messages at ${o.rate}/s`);
  const row = await fanoutOne('unfold', { ...o, targets: ['unfold'] }, 'storm', o.dropAfter);
  const s = row.storm as { allCaughtUpMs: number | null; reconnectAllMs: number };
  log(`  → all caught up after ${s.allCaughtUpMs} ms; lost ${row.lost}, duplicated ${row.duplicates}`);
  return row;
}
