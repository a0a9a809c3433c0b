/**
 * The id that follows one request through the logs and comes back in `X-Request-Id`.
 * A balancer's id is kept, but only if it looks like an id: it is echoed in a header and
 * written to every log line.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ID = /^[\w.:-]{1,64}$/;

export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && ID.test(given) ? given : randomUUID();
}
