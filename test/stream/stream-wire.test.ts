/**
 * The stream's bytes on the wire (src/live/hub-wire.ts), read from raw sockets: the direct
 * path (head and chunks written straight to the socket from shared Buffers) must be exact
 * HTTP/1.1, and the two cases that go through ServerResponse — HTTP/1.0 clients and a
 * stream request pipelined behind another request — must still work.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let port: number;
let editor: string;
let lbId: string;

before(async () => {
  t = await makeTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
  editor = await t.tokenFor('editor');
  lbId = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'Wire', status: 'live' } })).json().id;
});
after(() => t.close());

const publish = async (body: string) =>
  (await t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${lbId}/entries`, headers: auth(editor), payload: { body } })).json() as { id: string };

/** A raw connection that collects everything the server sends. */
function raw(request: string): { text(): string; ended: Promise<void>; until(pred: (s: string) => boolean, what: string): Promise<string>; close(): void } {
  const sock = net.connect(port, '127.0.0.1');
  let buf = '';
  sock.setEncoding('latin1');
  sock.on('data', (d: string) => (buf += d));
  sock.on('error', () => {});
  const ended = new Promise<void>((resolve) => sock.on('close', () => resolve()));
  sock.write(request);
  return {
    text: () => buf,
    ended,
    async until(pred, what) {
      const end = Date.now() + 5000;
      while (!pred(buf)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got:\n${buf}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return buf;
    },
    close: () => sock.destroy(),
  };
}

const streamRequest = (version: string, extra = '') => `GET /api/v1/liveblogs/${lbId}/stream HTTP/${version}\r\nHost: x\r\nAccept: text/event-stream\r\n${extra}\r\n`;

/** Decodes a chunked body; throws on anything that is not exact chunked coding. */
function dechunk(body: string): { data: string; last: boolean } {
  let data = '';
  let rest = body;
  for (;;) {
    const m = /^([0-9a-f]+)\r\n/.exec(rest);
    if (!m) {
      assert.equal(rest, '', `stray bytes between chunks: ${JSON.stringify(rest.slice(0, 40))}`);
      return { data, last: false };
    }
    const size = parseInt(m[1], 16);
    if (size === 0) {
      assert.equal(rest, '0\r\n\r\n');
      return { data, last: true };
    }
    const start = m[0].length;
    if (rest.length < start + size + 2) return { data, last: false }; // more on the way
    data += rest.slice(start, start + size);
    assert.equal(rest.slice(start + size, start + size + 2), '\r\n');
    rest = rest.slice(start + size + 2);
  }
}

test('HTTP/1.1: the head and every chunk are exact, the Date is current, and a reset ends the body properly', async () => {
  const c = raw(streamRequest('1.1'));
  const got = await c.until((s) => s.includes('event: presence'), 'presence');
  const [head, body] = got.split('\r\n\r\n', 2).length === 2 ? [got.slice(0, got.indexOf('\r\n\r\n')), got.slice(got.indexOf('\r\n\r\n') + 4)] : ['', ''];
  const lines = head.split('\r\n');
  assert.equal(lines[0], 'HTTP/1.1 200 OK');
  const h = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  assert.equal(h['content-type'], 'text/event-stream; charset=utf-8');
  assert.equal(h['cache-control'], 'no-store');
  assert.equal(h['transfer-encoding'], 'chunked');
  assert.equal(h['x-accel-buffering'], 'no');
  assert.ok(Math.abs(Date.parse(h.date) - Date.now()) < 5000, `date ${h.date}`);
  assert.ok(dechunk(body).data.startsWith('retry: 2000\n\n'));

  const e = await publish('on the wire');
  const after = await c.until((s) => s.includes(e.id), 'the entry');
  const { data } = dechunk(after.slice(after.indexOf('\r\n\r\n') + 4));
  assert.match(data, /\nid: \d+\nevent: entry\.published\ndata: \{"entry":\{"id":"/);
  c.close();

  // A cursor from the future: `reset`, then the terminating chunk, then the server closes.
  const r = raw(streamRequest('1.1', 'Last-Event-ID: 999999\r\n'));
  await r.ended;
  const all = r.text();
  const done = dechunk(all.slice(all.indexOf('\r\n\r\n') + 4));
  assert.ok(done.last, 'ends with the zero-length chunk');
  assert.match(done.data, /event: reset\ndata: \{\}\n\n$/);
});

test('HTTP/1.0: no chunked coding, the frames as they are, and the stream still goes on', async () => {
  const c = raw(streamRequest('1.0'));
  await c.until((s) => s.includes('event: presence'), 'presence');
  const e = await publish('for an old client');
  const got = await c.until((s) => s.includes(e.id), 'the entry');
  const [head, body] = [got.slice(0, got.indexOf('\r\n\r\n')), got.slice(got.indexOf('\r\n\r\n') + 4)];
  assert.match(head, /^HTTP\/1\.1 200 OK/);
  assert.doesNotMatch(head.toLowerCase(), /transfer-encoding/);
  assert.ok(body.startsWith('retry: 2000\n\n'));
  assert.match(body, /\n\nid: \d+\nevent: entry\.published\ndata: /);
  c.close();
});

test('a stream request pipelined behind another request on the same connection gets both answers, in order', async () => {
  const c = raw(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n${streamRequest('1.1')}`);
  await c.until((s) => s.includes('event: presence'), 'presence');
  const e = await publish('after a pipelined request');
  const got = await c.until((s) => s.includes(e.id), 'the entry');
  const second = got.indexOf('HTTP/1.1 200 OK', 1);
  assert.ok(got.startsWith('HTTP/1.1 200 OK') && second > 0, 'two responses');
  assert.match(got.slice(0, second), /application\/json/);
  const body = got.slice(got.indexOf('\r\n\r\n', second) + 4);
  const { data } = dechunk(body);
  assert.ok(data.startsWith('retry: 2000\n\n'));
  assert.ok(data.includes(e.id));
  c.close();
});
