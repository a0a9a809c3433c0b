/**
 * The peer: Socket.IO 4, WebSocket transport only (no long-polling, no per-message
 * deflate), broadcasting each published message to every client with io.emit — the way
 * a team would build this with the popular library.
 *
 *   POST /publish        → body is the data JSON; io.emit('entry.published', data); 204
 *   GET  /__bench/stats  → ServerStats
 *
 * Arg (JSON): { port }
 */
import http from 'node:http';
import { Server } from 'socket.io';
import { announce, childArgs } from '../lib/proc.ts';
import { FanoutTimer, serverStats } from '../lib/server-stats.ts';

const a = childArgs<{ port: number }>();
const timer = new FanoutTimer();
let cursor = 0;

const httpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/__bench/stats')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(serverStats(io.engine.clientsCount, timer, req.url.includes('gc=1'))));
    return;
  }
  if (req.method === 'POST' && req.url === '/publish') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const id = ++cursor;
      timer.time(() => io.emit('entry.published', id, data));
      res.writeHead(204).end();
    });
    return;
  }
  // Anything else belongs to Socket.IO (it registers its own request listener).
});
const io = new Server(httpServer, { transports: ['websocket'], serveClient: false, perMessageDeflate: false, cors: { origin: '*' } });
httpServer.listen({ port: a.port, host: '127.0.0.1', backlog: 4096 }, () => announce({ port: a.port, pid: process.pid }));
const stop = () => {
  io.close();
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
