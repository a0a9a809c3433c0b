/**
 * The floor: a raw `net` server that speaks just enough HTTP and SSE for the bench
 * client, and on each publish builds one Buffer and writes it to every socket. Nothing
 * can deliver a message to N sockets from one Node process for less.
 *
 *   GET  <any path>       → 200 text/event-stream (no chunking), then frames
 *   POST /publish         → body is the data line; 204 after the fan-out
 *   GET  /__bench/stats   → ServerStats
 *
 * Its sockets send each write at once (TCP_NODELAY), as Node's HTTP server does for Unfold
 * and for Socket.IO: the floor for the same job, delivering every message when it is
 * written. `nagle: true` keeps net's default instead (writes may wait to be coalesced),
 * the "floor, Nagle" row that shows what that trade buys.
 *
 * Arg (JSON): { port, processes?, nagle? }. With processes > 1 it runs as that many processes on
 * one port (cluster.ts): a publish goes to the primary, which hands it to every process,
 * and each writes its one Buffer to its own sockets; 204 once all have.
 */
import net from 'node:net';
import { announce, childArgs } from '../lib/proc.ts';
import { FanoutTimer, serverStats } from '../lib/server-stats.ts';
import { isWorker, joinPrimary, runPrimary } from './cluster.ts';

const a = childArgs<{ port: number; processes?: number; nagle?: boolean }>();
const multi = (a.processes ?? 1) > 1;
if (multi && !isWorker()) runPrimary({ workers: a.processes!, info: { port: a.port } });
else startFloor();

function startFloor(): void {
  const readers = new Set<net.Socket>();
  const timer = new FanoutTimer();
  let cursor = 0;
  const fanOut = (data: string) => {
    const frame = Buffer.from(`id: ${++cursor}\nevent: entry.published\ndata: ${data}\n\n`);
    timer.time(() => {
      for (const r of readers) r.write(frame);
    });
  };
  const peer = multi ? joinPrimary({ local: (gc) => serverStats(readers.size, timer, gc), onFan: (data) => fanOut(data as string) }) : null;
  const HEAD = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-store\r\n\r\nretry: 2000\n\n');

  function reply(sock: net.Socket, status: string, body = '', type = 'application/json'): void {
    sock.end(`HTTP/1.1 ${status}\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  }

  const server = net.createServer({ noDelay: !a.nagle }, (sock) => {
    let buf = Buffer.alloc(0);
    sock.on('error', () => {});
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const [method, url] = head.split(' ', 2);
      if (method === 'GET' && url.startsWith('/__bench/stats')) {
        sock.off('data', onData);
        if (peer) return void peer.stats(url.includes('gc=1')).then((st) => reply(sock, '200 OK', JSON.stringify(st)));
        return reply(sock, '200 OK', JSON.stringify(serverStats(readers.size, timer, url.includes('gc=1'))));
      }
      if (method === 'POST') {
        const len = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        sock.off('data', onData);
        const data = buf.subarray(end + 4, end + 4 + len).toString('utf8');
        if (peer) return void peer.relay(data).then(() => reply(sock, '204 No Content'));
        fanOut(data);
        return reply(sock, '204 No Content');
      }
      sock.off('data', onData);
      sock.write(HEAD);
      readers.add(sock);
      sock.on('close', () => readers.delete(sock));
    };
    sock.on('data', onData);
  });
  server.listen({ port: a.port, host: '127.0.0.1', backlog: 4096 }, () => {
    if (!multi) announce({ port: a.port, pid: process.pid });
  });
  const stop = () => {
    for (const r of readers) r.destroy();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
