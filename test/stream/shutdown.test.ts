import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SseReader } from './sse-reader.ts';

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('npm start path: the demo loads; SIGTERM closes streams, finishes, exits 0', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-shutdown-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: { ...process.env, PORT: String(port), UNFOLD_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const deadline = Date.now() + 20_000;
    while (!log.includes('Unfold is serving')) {
      if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(log, /demo live blog loaded: 17 entries; skipped 2 without text \(07:57, 07:31\)/);
    const list = await (await fetch(`http://127.0.0.1:${port}/api/v1/liveblogs?status=live`)).json();
    const demo = list.items[0];
    assert.equal(demo.title, "Lavrov Holds Press Conference on Russia's 2017 Diplomacy");
    const entries = await (await fetch(`http://127.0.0.1:${port}/api/v1/liveblogs/${demo.id}/entries?limit=100`)).json();
    assert.equal(entries.items.length, 17);
    assert.equal(entries.items[0].publishedAt, '2018-01-15T10:19:00.000Z');
    assert.equal(entries.items[16].publishedAt, '2018-01-15T07:13:00.000Z');

    const reader = await new SseReader(`http://127.0.0.1:${port}/api/v1/liveblogs/${demo.id}/stream`).open();
    await reader.until((r) => r.events.length > 0);
    child.kill('SIGTERM');
    await reader.until((r) => r.ended, 10_000);
    assert.equal(await exited, 0);
    assert.match(log, /shutting down/);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
