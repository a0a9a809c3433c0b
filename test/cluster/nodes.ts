/**
 * Node processes for the cluster tests: each is `unfold serve` (src/cli.ts) on a port of
 * its own, sharing one PostgreSQL schema and one Redis. Also sets up that schema with
 * an editor's token, and a small JSON client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { UserStore } from '../../src/auth/user-store.ts';
import { iso } from '../../src/time.ts';
import { freePort } from '../helpers/ports.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface NodeProc {
  name: string;
  url: string;
  /** What the process wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export async function startNode(name: string, env: Record<string, string>): Promise<NodeProc> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      UNFOLD_DEMO: '0',
      UNFOLD_NODE_ID: name,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const node: NodeProc = {
    name,
    url,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
  // Generous: three cold tsx processes on a busy 2-core machine can take a while to listen.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node ${name} exited with ${child.exitCode}: ${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return node;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await node.stop();
  throw new Error(`node ${name} did not start within 90 s: ${out}`);
}

/** Migrates the schema once (nodes then find it ready) and returns an editor's bearer token. */
export async function prepareSchema(databaseUrl: string, schema: string): Promise<string> {
  const db = await connect({ dataDir: '', databaseUrl, pgSchema: schema });
  try {
    await migrateToLatest(db.kysely);
    const users = new UserStore(db.kysely);
    const now = iso(new Date());
    const u = await users.create({ email: 'editor@cluster.test', name: 'Editor', role: 'editor', passwordHash: null }, now);
    return await users.createToken(u.id, 'cluster-test', now);
  } finally {
    await db.close();
  }
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

export async function api(base: string, method: string, p: string, token: string | null, body?: unknown): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

