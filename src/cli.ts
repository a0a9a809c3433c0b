/**
 * `unfold <command>`: serve, migrate, user add, token create, import, export (API.md "CLI").
 * Exit 0 on success; 1 with a one-line reason on standard error.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, parseWorkers, ConfigError, type Config } from './config.ts';
import { openDeps } from './runtime.ts';
import { buildApp } from './app.ts';
import { serve } from './server.ts';
import { isOurWorker, runPrimary, serveWorker } from './cluster/workers.ts';
import { hashPassword } from './auth/password.ts';
import { ALL_ROLES, type Role } from './auth/roles.ts';
import { isEmail } from './auth/email.ts';
import { importLivePage } from './importer/import-live-page.ts';
import { exportLiveblog } from './importer/export-liveblog.ts';
import { iso } from './time.ts';

class UsageError extends Error {}

const USAGE = `usage: unfold <command>
  serve [--workers N]                     run the server (N processes on one port: needs REDIS_URL)
  migrate                                 bring the database schema up to date
  user add --email E --name N --role R [--password P]   (no --password: read from stdin)
  token create --email E [--label L]      print a new bearer token
  import FILE [--title T] [--date YYYY-MM-DD]   import a live page's text; prints the id
  export ID                               print a live blog with its entries as JSON`;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function withServices<T>(config: Config, fn: (x: Awaited<ReturnType<typeof open>>) => Promise<T>): Promise<T> {
  const x = await open(config);
  try {
    return await fn(x);
  } finally {
    await x.app.close();
    await x.deps.close();
  }
}

async function open(config: Config) {
  const deps = await openDeps(config);
  const { app, services } = await buildApp(deps);
  return { deps, app, services };
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, sub, ...rest] = argv;
  const config = loadConfig();
  switch (cmd) {
    case 'serve':
    case undefined: {
      if (isOurWorker(config)) return serveWorker(config);
      const { values } = parseArgs({ args: argv.slice(1), options: { workers: { type: 'string' } } });
      const workers = values.workers === undefined ? config.workers : parseWorkers(values.workers, '--workers');
      if (workers > 1) return runPrimary(config, workers, values.workers === undefined ? `UNFOLD_WORKERS=${workers}` : `--workers ${workers}`);
      return serve(config);
    }
    case 'migrate': {
      const deps = await openDeps(config); // opening migrates
      await deps.close();
      console.log('schema is up to date');
      return;
    }
    case 'user': {
      if (sub !== 'add') throw new UsageError('unknown user command: use "user add"');
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } } });
      if (!values.email || !isEmail(values.email)) throw new UsageError('--email must be an email address');
      if (!values.name) throw new UsageError('--name is required');
      if (!values.role || !ALL_ROLES.includes(values.role as Role)) throw new UsageError(`--role must be one of ${ALL_ROLES.join(', ')}`);
      const password = values.password ?? (await readStdin());
      if (password.length < 8) throw new UsageError('the password must have at least 8 characters');
      return withServices(config, async ({ deps, services }) => {
        if (await services.users.byEmail(values.email!)) throw new UsageError(`a user with email ${values.email} already exists`);
        const u = await services.users.create({ email: values.email!, name: values.name!, role: values.role as Role, passwordHash: await hashPassword(password) }, iso(deps.clock()));
        console.log(u.id);
      });
    }
    case 'token': {
      if (sub !== 'create') throw new UsageError('unknown token command: use "token create"');
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, label: { type: 'string' } } });
      if (!values.email) throw new UsageError('--email is required');
      return withServices(config, async ({ deps, services }) => {
        const u = await services.users.byEmail(values.email!);
        if (!u || u.disabled) throw new UsageError(`no active user with email ${values.email}`);
        console.log(await services.users.createToken(u.id, values.label ?? 'cli', iso(deps.clock())));
      });
    }
    case 'import': {
      const { values, positionals } = parseArgs({ args: argv.slice(1), allowPositionals: true, options: { title: { type: 'string' }, date: { type: 'string' } } });
      const file = positionals[0];
      if (!file) throw new UsageError('import needs a FILE');
      if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) throw new UsageError('--date must be YYYY-MM-DD');
      const text = fs.readFileSync(file, 'utf8');
      return withServices(config, async ({ deps, services }) => {
        const report = await importLivePage(deps, services, text, { title: values.title, date: values.date });
        for (const s of report.skipped) process.stderr.write(`skipped the message at ${s.time}: ${s.reason}\n`);
        process.stderr.write(`imported ${report.imported} entries into /live/${report.slug}\n`);
        console.log(report.liveblogId);
      });
    }
    case 'export': {
      if (!sub) throw new UsageError('export needs a live blog ID');
      return withServices(config, async ({ deps, services }) => {
        console.log(JSON.stringify(await exportLiveblog(deps, services, sub), null, 2));
      });
    }
    default:
      throw new UsageError(`unknown command "${cmd}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`unfold: ${err instanceof ConfigError || err instanceof UsageError ? msg : msg.split('\n')[0]}\n`);
  process.exit(1);
});
