/**
 * A tiny run of the benchmark harness (bench/): ~50 SSE readers in a separate load
 * process against the floor server and against Unfold, 3 messages each. It checks only
 * that every message reached every reader, once and in order — no timing assertions,
 * so it holds on a busy machine; it keeps the harness from rotting between bench runs.
 * The same again split over two processes per side, as the 50k run is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fanoutOne, type FanoutTarget } from '../../bench/scenarios/fanout.ts';
import { redisServerSkip } from '../helpers/redis.ts';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

for (const target of ['floor', 'unfold'] as FanoutTarget[]) {
  test(`bench harness: every message reaches all 50 readers of ${target}`, { timeout: 60_000 }, async () => {
    const row = await fanoutOne(target, { src, readers: 50, rate: 20, messages: 3, targets: [target], quiet: true, warmup: 1, writeWarmup: 5 });
    assert.equal(row.connected, 50);
    assert.equal(row.committed, 3);
    assert.equal(row.delivered, 150, `delivered ${row.delivered} of 150`);
    assert.equal(row.lost, 0);
    assert.equal(row.duplicates, 0);
  });
}

// The path of the 50k run, small: 2 server processes on one port (Unfold's over a private
// redis-server) and 2 load processes whose counts are merged.
for (const target of ['floor', 'unfold'] as FanoutTarget[]) {
  const skip = target === 'unfold' ? redisServerSkip() : false;
  test(`bench harness: every message reaches all 60 readers of ${target} in 2 server and 2 load processes`, { skip, timeout: 90_000 }, async () => {
    const row = await fanoutOne(target, { src, readers: 60, perProcess: 30, rate: 20, messages: 3, targets: [target], quiet: true, warmup: 1 });
    assert.equal(row.serverProcesses, 2);
    assert.equal(row.loadProcesses, 2);
    assert.equal(row.serverReaders, 60);
    assert.equal(row.connected, 60);
    assert.equal(row.committed, 3);
    assert.equal(row.delivered, 180, `delivered ${row.delivered} of 180`);
    assert.equal(row.lost, 0);
    assert.equal(row.duplicates, 0);
  });
}
