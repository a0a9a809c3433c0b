/**
 * The load process for request/response benchmarks (pages, writes): autocannon with a
 * warm-up run that is thrown away, then the measured run. Bounded by `seconds`.
 *
 * Arg (JSON): { url, method?, headers?, body?: string | 'entry', connections, seconds, warmupSeconds?, statsPort? }
 * `body: 'entry'` sends a fresh entry per request (the whole write path, each one new).
 * With `statsPort` (a bench server's), the server's CPU over the measured run is read from
 * its stats route before and after, and reported per 2xx answer (a refused write is not an entry).
 */
import autocannon from 'autocannon';
import { childArgs, report } from '../lib/proc.ts';
import { entryBody } from '../lib/payload.ts';
import { serverStats } from './load-http.ts';

interface Args {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  warmupSeconds?: number;
  statsPort?: number;
}

const a = childArgs<Args>();
let n = 0;

function run(seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const opts: autocannon.Options = {
      url: a.url,
      method: a.method ?? 'GET',
      headers: a.headers,
      connections: a.connections,
      duration: seconds,
      pipelining: 1,
    };
    if (a.body === 'entry') {
      // One request object per call: each write is a different entry, like reporters' updates.
      opts.requests = [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ headline: `Load entry ${++n}`, body: entryBody(n) }) }) }];
    } else if (a.body) opts.body = a.body;
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

try {
  if (a.warmupSeconds) await run(a.warmupSeconds);
  const cpu = async () => {
    if (!a.statsPort) return 0;
    const st = await serverStats(a.statsPort, false);
    return st.cpuUserUs + st.cpuSystemUs;
  };
  const cpuBefore = await cpu();
  const r = await run(a.seconds);
  // Requests still in flight at either edge are a handful against thousands: noise, not bias.
  const ok = Object.entries(r.statusCodeStats ?? {}).reduce((n, [code, s]) => (code.startsWith('2') ? n + s.count : n), 0);
  const cpuUsPerOk = a.statsPort && ok ? ((await cpu()) - cpuBefore) / ok : undefined;
  report({
    requestsPerSec: r.requests.average,
    total: r.requests.total,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
    bytesPerSec: r.throughput.average,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: r.statusCodeStats,
    cpuUsPerOk,
  });
} catch (e) {
  report({ error: String(e) });
}
process.exit(0);
