import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';
import { openSse, type SseClient } from '../helpers/sse-client.ts';

let t: TestApp;
let base: string;
let editor: string;
let lbId: string;
const readers: SseClient[] = [];

before(async () => {
  t = await makeTestApp({ env: { UNFOLD_HEARTBEAT_MS: '200', UNFOLD_STREAM_MAX_BUFFER: '65536' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  editor = await t.tokenFor('editor');
  lbId = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'Stream', status: 'live' } })).json().id;
});
after(async () => {
  for (const r of readers) r.close();
  await t.close();
});

const open = async (headers: Record<string, string> = {}, query = '') => {
  const r = await openSse(`${base}/api/v1/liveblogs/${lbId}/stream${query}`, { headers });
  readers.push(r);
  return r;
};
const publish = (body: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${lbId}/entries`, headers: auth(editor), payload: { body } });

test('a published entry reaches a connected reader, with retry, presence and heartbeats', async () => {
  const r = await open();
  assert.equal(r.status, 200);
  await r.waitFor((x) => x.messages.some((e) => e.event === 'presence'), 5000);
  const res = await publish('hello readers');
  const entry = res.json();
  await r.waitFor((x) => x.changes().length === 1, 5000);
  const [msg] = r.changes();
  assert.equal(msg.event, 'entry.published');
  assert.equal(JSON.parse(msg.data).entry.id, entry.id);
  assert.equal(msg.id, String((await t.app.inject(`/api/v1/liveblogs/${lbId}`)).json().cursor));
  assert.equal(r.retry, 2000);
  assert.deepEqual(JSON.parse(r.messages.find((e) => e.event === 'presence')!.data), { readers: 1 });
  await r.waitFor((x) => x.comments >= 1, 3000);
  r.close();
});

test('disconnect, 50 published, reconnect with Last-Event-ID: exactly those 50, in order, then live', async () => {
  const first = await open();
  await publish('before the drop');
  await first.waitFor((x) => x.changes().length === 1, 5000);
  const last = first.changes()[0].id!;
  first.close();
  const published: string[] = [];
  for (let i = 0; i < 50; i++) published.push((await publish(`missed ${i}`)).json().id);
  const again = await open({ 'last-event-id': last });
  await again.waitFor((x) => x.changes().length === 50, 5000);
  assert.deepEqual(again.changes().map((e) => JSON.parse(e.data).entry.id), published);
  const ids = again.changes().map((e) => Number(e.id));
  ids.forEach((id, i) => assert.equal(id, Number(last) + 1 + i));
  const live = (await publish('live again')).json().id;
  await again.waitFor((x) => x.changes().length === 51, 5000);
  assert.equal(JSON.parse(again.changes()[50].data).entry.id, live);
  // The same replay through ?lastEventId= (how the reader page connects), from the change log
  // far behind the ring as well as from memory.
  const fromQuery = await open({}, `?lastEventId=${last}`);
  await fromQuery.waitFor((x) => x.changes().length === 51, 5000);
  assert.deepEqual(fromQuery.changes().map((e) => e.id), again.changes().map((e) => e.id));
  const fromZero = await open({ 'last-event-id': '0' });
  await fromZero.waitFor((x) => x.changes().length === Number(again.changes()[50].id), 5000);
  fromZero.changes().forEach((e, i) => assert.equal(Number(e.id), i + 1));
  for (const r of [again, fromQuery, fromZero]) r.close();
});

test('a cursor the server never gave out gets event: reset; a malformed one is 400', async () => {
  const r = await open({ 'last-event-id': '999999' });
  await r.waitFor((x) => x.ended, 5000);
  assert.equal(r.messages.at(-1)?.event, 'reset');
  const bad = await fetch(`${base}/api/v1/liveblogs/${lbId}/stream`, { headers: { 'last-event-id': '12\nevent: x' } }).catch(() => null);
  if (bad) assert.equal(bad.status, 400);
  const bad2 = await fetch(`${base}/api/v1/liveblogs/${lbId}/stream?lastEventId=abc`);
  assert.equal(bad2.status, 400);
  assert.equal((await fetch(`${base}/api/v1/liveblogs/unknown/stream`)).status, 404);
});

test('a reader that stops reading is dropped; the others still receive everything', async () => {
  const good = await open();
  // A client that sends the request and then never reads a byte.
  const stalled = net.connect((t.app.server.address() as AddressInfo).port, '127.0.0.1');
  stalled.on('error', () => {});
  stalled.write(`GET /api/v1/liveblogs/${lbId}/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
  stalled.pause();
  const hub = t.services.hub;
  await good.waitFor(() => hub.localReaders(lbId) === 2, 5000);
  const big = 'x'.repeat(40_000);
  let sent = 0;
  while (hub.localReaders(lbId) === 2 && sent < 600) {
    await publish(`${sent} ${big}`);
    sent++;
  }
  assert.equal(hub.localReaders(lbId), 1, `the stalled reader was dropped after ${sent} entries`);
  await good.waitFor((x) => x.changes().length === sent, 10_000);
  const ids = good.changes().map((e) => Number(e.id));
  ids.forEach((id, i) => i > 0 && assert.equal(id, ids[i - 1] + 1));
  stalled.destroy();
  good.close();
});

test('HEAD on a stream answers at once and is not counted as a reader', async () => {
  const res = await fetch(`${base}/api/v1/liveblogs/${lbId}/stream`, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(t.services.hub.localReaders(lbId), 0);
});

test('a replay to a client that never reads is bounded and ends; live readers are unaffected', async () => {
  // Enough history that the replay from the change log outgrows the socket buffers.
  const big = 'y'.repeat(30_000);
  for (let i = 0; i < 60; i++) await publish(`${i} ${big}`);
  const live = await open();
  const stalled = net.connect((t.app.server.address() as AddressInfo).port, '127.0.0.1');
  stalled.on('error', () => {});
  stalled.write(`GET /api/v1/liveblogs/${lbId}/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 0\r\n\r\n`);
  stalled.pause();
  const hub = t.services.hub;
  await live.waitFor(() => hub.localReaders(lbId) === 2, 5000);
  let sent = 0;
  while (hub.localReaders(lbId) === 2 && sent < 200) {
    await publish(`live ${sent} ${big}`);
    sent++;
  }
  assert.equal(hub.localReaders(lbId), 1, `the stalled replay was dropped after ${sent} live entries`);
  await live.waitFor((x) => x.changes().length === sent, 10_000);
  stalled.destroy();
  live.close();
});

test('a deleted entry is pulled from replays, from memory and from the change log', async () => {
  const e = (await publish('LIBELLOUS TEXT')).json();
  await t.app.inject({ method: 'PATCH', url: `/api/v1/liveblogs/${lbId}/entries/${e.id}`, headers: auth(editor), payload: { revision: 1, body: 'LIBELLOUS TEXT, edited' } });
  assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/liveblogs/${lbId}/entries/${e.id}`, headers: auth(editor) })).statusCode, 204);
  const cursor = (await t.app.inject(`/api/v1/liveblogs/${lbId}`)).json().cursor;
  const fromRing = await open({ 'last-event-id': String(cursor - 3) });
  const fromLog = await open({ 'last-event-id': '0' });
  for (const r of [fromRing, fromLog]) {
    await r.waitFor((x) => x.changes().some((m) => Number(m.id) === cursor), 10_000);
    const about = r.changes().filter((m) => m.data.includes(e.id));
    assert.ok(about.length >= 3, 'publish, update and delete keep their cursors');
    assert.ok(about.every((m) => m.event === 'entry.deleted' && !m.data.includes('LIBELLOUS')));
    r.close();
  }
});
