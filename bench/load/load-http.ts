/**
 * The HTTP a load process speaks to the server under test, for the one-process load
 * (fanout-load.ts) and the coordinator of the multi-process one (fanout-multi.ts): the
 * bench-only stats route and the publish of one message (Unfold's entries API, or the
 * floor's and Socket.IO's bare POST /publish), over one keep-alive agent.
 */
import http from 'node:http';
import { entryBody, fakeEntryJson, headline } from '../lib/payload.ts';
import type { ServerStats } from '../lib/server-stats.ts';

export interface PublishTarget {
  kind: 'unfold' | 'raw';
  port: number;
  liveblogId?: string;
  /** A live blog no reader follows (Unfold): the write path's warm-up goes there (warmup.ts). */
  warmLiveblogId?: string;
  token?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function request(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/** The server's CPU, memory and fan-out timings (`gc`: collect garbage first, for heap figures). */
export async function serverStats(port: number, gc: boolean): Promise<ServerStats & { processes?: number }> {
  return JSON.parse((await request(port, 'GET', `/__bench/stats${gc ? '?gc=1' : ''}`)).body);
}

/** Publishes message `seq` stamped `stamp` (ms since the epoch); resolves to the HTTP status. */
export async function publishMessage(p: PublishTarget, seq: number, stamp: number): Promise<number> {
  const res =
    p.kind === 'unfold'
      ? await request(p.port, 'POST', `/api/v1/liveblogs/${p.liveblogId}/entries`, JSON.stringify({ headline: headline(seq, stamp), body: entryBody(seq) }), { authorization: `Bearer ${p.token}` })
      : await request(p.port, 'POST', '/publish', fakeEntryJson(seq, stamp));
  return res.status;
}

/** Writes one untimed entry to the live blog no reader follows; throws unless it was created (a refused warm-up warms nothing). */
export async function warmWrite(p: PublishTarget, i: number): Promise<void> {
  const body = JSON.stringify({ headline: `warm-up ${i}`, body: entryBody(i) });
  const res = await request(p.port, 'POST', `/api/v1/liveblogs/${p.warmLiveblogId}/entries`, body, { authorization: `Bearer ${p.token}` });
  if (res.status !== 201) throw new Error(`warm-up write ${i} answered ${res.status}: ${res.body.slice(0, 200)}`);
}

/** Lets the process exit: the keep-alive sockets would hold it. */
export const closeLoadHttp = () => agent.destroy();
