import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openSse } from '../helpers/sse-client.ts';

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function startServer(port: number, dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: { ...process.env, PORT: String(port), UNFOLD_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { log: '' };
  child.stdout.on('data', (d) => (out.log += d));
  child.stderr.on('data', (d) => (out.log += d));
  const ready = (async () => {
    const deadline = Date.now() + 20_000;
    while (!out.log.includes('Unfold is serving')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${out.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { child, out, ready };
}

test('an acknowledged write survives the process being killed', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-crash-'));
  const port = await freePort();
  const cli = (args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, UNFOLD_DATA_DIR: dataDir, UNFOLD_DEMO: '0' } });
      let o = '';
      let e = '';
      c.stdout.on('data', (d) => (o += d));
      c.stderr.on('data', (d) => (e += d));
      c.on('exit', (code) => (code === 0 ? resolve(o.trim()) : reject(new Error(e))));
      c.stdin.end(input ?? '');
    });
  await cli(['user', 'add', '--email', 'ed@x.test', '--name', 'Ed', '--role', 'editor'], 'a long password\n');
  const token = await cli(['token', 'create', '--email', 'ed@x.test']);
  assert.match(token, /^unf_[A-Za-z0-9_-]{20,}$/);
  const first = startServer(port, dataDir);
  let second: ReturnType<typeof startServer> | null = null;
  try {
    await first.ready;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const base = `http://127.0.0.1:${port}/api/v1/liveblogs`;
    const lb = await (await fetch(base, { method: 'POST', headers, body: JSON.stringify({ title: 'Crash', status: 'live' }) })).json();
    const res = await fetch(`${base}/${lb.id}/entries`, { method: 'POST', headers, body: JSON.stringify({ headline: 'Acknowledged' }) });
    assert.equal(res.status, 201);
    const entry = await res.json();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    second = startServer(port, dataDir);
    await second.ready;
    const got = await fetch(`${base}/${lb.id}/entries/${entry.id}`);
    assert.equal(got.status, 200);
    assert.equal((await got.json()).headline, 'Acknowledged');
  } finally {
    first.child.kill('SIGKILL');
    second?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('npm start path: the demo loads; SIGTERM closes streams, finishes, exits 0', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unfold-shutdown-'));
  const port = await freePort();
  const { child, out, ready } = startServer(port, dataDir);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await ready;
    assert.match(out.log, /demo live blog loaded: 17 entries; skipped 2 without text \(07:57, 07:31\)/);
    const list = await (await fetch(`http://127.0.0.1:${port}/api/v1/liveblogs?status=live`)).json();
    const demo = list.items[0];
    assert.equal(demo.title, "Lavrov Holds Press Conference on Russia's 2017 Diplomacy");
    const entries = await (await fetch(`http://127.0.0.1:${port}/api/v1/liveblogs/${demo.id}/entries?limit=100`)).json();
    assert.equal(entries.items.length, 17);
    assert.equal(entries.items[0].publishedAt, '2018-01-15T10:19:00.000Z');
    assert.equal(entries.items[16].publishedAt, '2018-01-15T07:13:00.000Z');

    const reader = await openSse(`http://127.0.0.1:${port}/api/v1/liveblogs/${demo.id}/stream`);
    await reader.waitFor((r) => r.messages.length > 0, 5000);
    child.kill('SIGTERM');
    await reader.waitFor((r) => r.ended, 10_000);
    assert.equal(await exited, 0);
    assert.match(out.log, /shutting down/);
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
