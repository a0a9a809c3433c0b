/**
 * Server-Sent Events framing as pure functions. A frame is built once per change and
 * the same Buffer is written to every reader.
 */
export interface SseMessage {
  id?: string | number;
  event?: string;
  /** Already-serialized data; may span lines (each becomes its own `data:` line). */
  data: string;
}

const LINE_BREAK = /[\r\n]/;

/** Formats one message; throws when `id` or `event` holds a line break (they would forge frames). */
export function formatSse(msg: SseMessage): string {
  let out = '';
  if (msg.id !== undefined) {
    const id = String(msg.id);
    if (LINE_BREAK.test(id) || id.includes('\0')) throw new Error('SSE id must not contain CR, LF or NUL');
    out += `id: ${id}\n`;
  }
  if (msg.event !== undefined) {
    if (LINE_BREAK.test(msg.event)) throw new Error('SSE event must not contain CR or LF');
    out += `event: ${msg.event}\n`;
  }
  for (const line of msg.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + '\n';
}

export function sseFrame(msg: SseMessage): Buffer {
  return Buffer.from(formatSse(msg), 'utf8');
}

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * A frame as one HTTP/1.1 chunk (`<hex length>CRLF<frame>CRLF`), built once per change so
 * the hub can write the same bytes to every chunked response's socket.
 */
export function chunked(frame: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${frame.length.toString(16)}\r\n`, 'latin1'), frame, CRLF]);
}

/** `retry:` tells EventSource how long to wait before reconnecting. */
export function retryFrame(ms: number): Buffer {
  return Buffer.from(`retry: ${Math.floor(ms)}\n\n`, 'utf8');
}

/** A comment line keeps proxies from closing an idle stream. */
export const HEARTBEAT = Buffer.from(': heartbeat\n\n', 'utf8');
