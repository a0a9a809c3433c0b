import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSse, retryFrame } from '../../src/live/sse.ts';

test('a message has id, event and one data line per line of data', () => {
  assert.equal(formatSse({ id: 42, event: 'entry.published', data: '{"a":1}' }), 'id: 42\nevent: entry.published\ndata: {"a":1}\n\n');
  assert.equal(formatSse({ data: 'one\ntwo\r\nthree\rfour' }), 'data: one\ndata: two\ndata: three\ndata: four\n\n');
});

test('CR or LF in id or event is refused: it would let data forge frames', () => {
  assert.throws(() => formatSse({ id: '1\nevent: x', data: '' }), /id/);
  assert.throws(() => formatSse({ id: '1\r', data: '' }), /id/);
  assert.throws(() => formatSse({ event: 'a\rb', data: '' }), /event/);
  assert.throws(() => formatSse({ event: 'a\nb', data: '' }), /event/);
});

test('retry frame', () => {
  assert.equal(retryFrame(2000).toString(), 'retry: 2000\n\n');
});
