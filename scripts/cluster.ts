/**
 * `npm run cluster [-- --nodes N] [--port P]`: N Unfold nodes on one machine (ports P…,
 * default 8081…) against the local PostgreSQL and Redis, as in production behind a load
 * balancer. DATABASE_URL (default postgres://postgres@127.0.0.1:5432/unfold, created if
 * missing) and REDIS_URL (default redis://127.0.0.1:6379) may be set. Ctrl-C stops all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connect } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, port: { type: 'string', default: '8081' } } });
const count = Number(values.nodes);
const basePort = Number(values.port);
if (!Number.isInteger(count) || count < 1 || count > 64) fail('--nodes must be a whole number from 1 to 64');
if (!Number.isInteger(basePort) || basePort < 1 || basePort + count > 65535) fail('--port must be a port number');

const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/unfold';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function fail(msg: string): never {
  process.stderr.write(`cluster: ${msg}\n`);
  process.exit(1);
}

/** Creates the database named in the URL when the server answers but the database does not exist. */
async function ensureDatabase(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
  } finally {
    await c.end().catch(() => {});
  }
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database "${name}" does not exist; create it first`);
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    console.log(`created database ${name}`);
  } finally {
    await admin.end();
  }
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url} exited with status ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready in 30 s`);
}

const children: ChildProcess[] = [];
let stopping = false;

function startNode(i: number): { child: ChildProcess; url: string } {
  const port = basePort + i;
  const name = `node-${i + 1}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, PORT: String(port), UNFOLD_NODE_ID: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) => {
    let buf = '';
    stream.on('data', (b: Buffer) => {
      buf += b.toString();
      let n: number;
      while ((n = buf.indexOf('\n')) >= 0) {
        out.write(`[${name}] ${buf.slice(0, n)}\n`);
        buf = buf.slice(n + 1);
      }
    });
  };
  prefix(child.stdout!, process.stdout);
  prefix(child.stderr!, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`[${name}] exited (${signal ?? code}); the others keep serving`);
  });
  children.push(child);
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the nodes…');
  await Promise.all(
    children.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return undefined;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 12_000);
      return exited.then(() => clearTimeout(t));
    }),
  );
  process.exit(0);
}

process.on('SIGINT', () => void stopAll());
process.on('SIGTERM', () => void stopAll());

try {
  if (spawnSync(process.execPath, ['scripts/build-client.mjs'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) fail('the client build failed');
  await ensureDatabase(databaseUrl);
  // Migrate once here so the nodes start on a ready schema instead of queueing on the lock.
  const db = await connect({ dataDir: '', databaseUrl, pgSchema: process.env.PG_SCHEMA || undefined });
  await migrateToLatest(db.kysely);
  await db.close();
  // The first node alone, so the demo live blog (empty database) is imported exactly once.
  const first = startNode(0);
  await waitHealthy(first.url, first.child);
  const rest = Array.from({ length: count - 1 }, (_, i) => startNode(i + 1));
  await Promise.all(rest.map((n) => waitHealthy(n.url, n.child)));
  const urls = [first.url, ...rest.map((n) => n.url)];
  console.log(`\n${count} Unfold node${count > 1 ? 's' : ''} on ${databaseUrl.replace(/\/\/[^@/]*@/, '//')} and ${redisUrl}:`);
  for (const u of urls) console.log(`  ${u}`);
  console.log('Put a load balancer in front (docs/scaling.md). Ctrl-C stops them all.');
} catch (err) {
  console.error(`cluster: ${(err as Error).message.split('\n')[0]}`);
  await stopAll();
}
