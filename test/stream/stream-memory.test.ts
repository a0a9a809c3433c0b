/**
 * What an open stream keeps in memory: a reader may stay for hours, so anything held per
 * reader is held 50,000 times on a busy node. Once a direct stream has started, the
 * request's Fastify Request and Reply must be collectable (stream-routes.ts, forgetReply):
 * they served the routing and validation and have nothing left to do.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { makeTestApp, auth, type TestApp } from '../helpers/test-app.ts';
import { openSse, type SseClient } from '../helpers/sse-client.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let t: TestApp;
let base: string;
let editor: string;
let lbId: string;
let reader: SseClient | null = null;
const streamRequests: WeakRef<object>[] = [];

before(async () => {
  t = await makeTestApp();
  t.app.addHook('onRequest', async (req) => {
    if (req.url.endsWith('/stream')) streamRequests.push(new WeakRef(req));
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  editor = await t.tokenFor('editor');
  lbId = (await t.app.inject({ method: 'POST', url: '/api/v1/liveblogs', headers: auth(editor), payload: { title: 'Memory', status: 'live' } })).json().id;
});
after(async () => {
  reader?.close();
  await t.close();
});

const publish = (body: string) => t.app.inject({ method: 'POST', url: `/api/v1/liveblogs/${lbId}/entries`, headers: auth(editor), payload: { body } });

/** Full collections a few turns apart: a WeakRef's target lives at least to the end of the turn that read it. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 10));
    gc();
  }
}

test("an open stream does not keep its request's Fastify Request and Reply alive", async () => {
  reader = await openSse(`${base}/api/v1/liveblogs/${lbId}/stream`);
  await publish('first');
  await reader.waitFor((x) => x.changes().length === 1, 5000);
  assert.equal(streamRequests.length, 1);
  await collect();
  assert.equal(streamRequests[0].deref(), undefined, 'the Fastify request of an open stream was collected');
  // The stream itself is untouched: still open, still delivering.
  await publish('second');
  await reader.waitFor((x) => x.changes().length === 2, 5000);
  assert.equal(reader.ended, false);
});
