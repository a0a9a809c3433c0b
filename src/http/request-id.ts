/**
 * The id that follows one request through the logs and comes back in `X-Request-Id`.
 * A balancer's id is kept, but only if it looks like an id: it is echoed in a header and
 * written to every log line.
 *
 * Our own ids are UUID-shaped: a random prefix per process and a counter. That is unique
 * across nodes and restarts (the prefix) without a fresh random UUID per request, and the
 * id is two strings rather than the ~20-piece rope randomUUID() builds — which a stream's
 * request keeps for as long as the reader stays (about 0.4 KB of heap per reader).
 * Request ids are labels, not secrets: nothing may trust them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ID = /^[\w.:-]{1,64}$/;
// "xxxxxxxx-xxxx-4xxx-yxxx-", copied into one flat string once.
const PREFIX = Buffer.from(randomUUID().slice(0, 24), 'latin1').toString('latin1');
let counter = 0;

export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && ID.test(given)) return given;
  counter = counter >= 0xffffffffffff ? 1 : counter + 1;
  return PREFIX + counter.toString(16).padStart(12, '0');
}
