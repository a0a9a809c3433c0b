/**
 * A tiny run of the benchmark harness (bench/): ~50 SSE readers in a separate load
 * process against the floor server and against Unfold, 3 messages each. It checks only
 * that every message reached every reader, once and in order — no timing assertions,
 * so it holds on a busy machine; it keeps the harness from rotting between bench runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fanoutOne, type FanoutTarget } from '../../bench/scenarios/fanout.ts';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

for (const target of ['floor', 'unfold'] as FanoutTarget[]) {
  test(`bench harness: every message reaches all 50 readers of ${target}`, { timeout: 60_000 }, async () => {
    const row = await fanoutOne(target, { src, readers: 50, rate: 20, messages: 3, targets: [target], quiet: true, warmup: 1 });
    assert.equal(row.connected, 50);
    assert.equal(row.committed, 3);
    assert.equal(row.delivered, 150, `delivered ${row.delivered} of 150`);
    assert.equal(row.lost, 0);
    assert.equal(row.duplicates, 0);
  });
}
