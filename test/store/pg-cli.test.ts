/**
 * The CLI end to end on PostgreSQL (DATABASE_URL + PG_SCHEMA): migrate, user add, token
 * create, import, export; and the one-line start-up errors for a malformed URL and an
 * unreachable server.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { freshSchema, pgSkip, type PgSchema } from '../helpers/pg.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const skip = await pgSkip();
let schema: PgSchema | null = null;

after(async () => schema?.drop());

function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', UNFOLD_DEMO: '0', LOG_LEVEL: 'warn', ...env },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => (out += b));
    p.stderr.on('data', (b) => (err += b));
    p.stdin.end(stdin);
    p.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

test('migrate, user add, token create, import and export on PostgreSQL', { skip, timeout: 60_000 }, async () => {
  schema = await freshSchema();
  const env = { DATABASE_URL: schema.url, PG_SCHEMA: schema.schema };
  const m = await cli(['migrate'], env);
  assert.equal(m.code, 0, m.err);
  // Independent commands run side by side: each process start costs seconds.
  const [u, imp] = await Promise.all([
    cli(['user', 'add', '--email', 'ed@pg.test', '--name', 'Ed', '--role', 'editor'], env, 'correct horse battery\n'),
    cli(['import', 'fixtures/live-page-lavrov-2018.txt'], env),
  ]);
  assert.equal(u.code, 0, u.err);
  assert.equal(imp.code, 0, imp.err);
  const [t, exp] = await Promise.all([cli(['token', 'create', '--email', 'ed@pg.test'], env), cli(['export', imp.out.trim()], env)]);
  assert.equal(t.code, 0, t.err);
  assert.match(t.out.trim(), /^unf_\S+$/);
  assert.equal(exp.code, 0, exp.err);
  const data = JSON.parse(exp.out);
  assert.equal(data.entries.length, 17);
});

test('a malformed or unreachable DATABASE_URL stops the start with one line', { skip, timeout: 60_000 }, async () => {
  const [bad, down] = await Promise.all([
    cli(['migrate'], { DATABASE_URL: 'postgres://me:secret@db:port/x' }),
    cli(['migrate'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/unfold' }),
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^unfold: DATABASE_URL is not a valid URL: "postgres:\/\/me:\*\*\*@db:port\/x"\n$/);
  assert.equal(down.code, 1);
  assert.match(down.err, /^unfold: cannot reach PostgreSQL at 127\.0\.0\.1:1\/unfold: .*ECONNREFUSED.*\n$/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/y', PG_SCHEMA: 'Drop Table' }), /PG_SCHEMA must be a lower-case identifier/);
  assert.equal(loadConfig({ PG_SCHEMA: 'unfold_a1' }).pgSchema, 'unfold_a1');
});
