import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { requestId } from './request-id.ts';

const req = (headers: Record<string, string> = {}) => ({ headers }) as unknown as IncomingMessage;

test('request ids: UUID-shaped, distinct, one process prefix; a well-formed balancer id is kept, a bad one replaced', () => {
  const a = requestId(req());
  const b = requestId(req());
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
  assert.equal(a.slice(0, 24), b.slice(0, 24));
  assert.equal(parseInt(b.slice(24), 16), parseInt(a.slice(24), 16) + 1);
  assert.equal(requestId(req({ 'x-request-id': 'lb-42.a:b' })), 'lb-42.a:b');
  assert.match(requestId(req({ 'x-request-id': 'a b<script>' })), /^[0-9a-f-]{36}$/);
  assert.match(requestId(req({ 'x-request-id': 'x'.repeat(65) })), /^[0-9a-f-]{36}$/);
});
