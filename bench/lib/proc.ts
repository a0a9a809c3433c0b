/**
 * Child processes of the harness: each server and load process runs in its own process,
 * pinned to its own core when `taskset` exists, and is killed when the harness exits
 * (also on failure), so no run leaves a server behind on this shared machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH_DIR, '..');

const live = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** The command line that runs `cmd args` on one core (or unpinned where taskset is missing). */
export function pinned(core: number | null, cmd: string, args: string[]): [string, string[]] {
  return core !== null && hasTaskset ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];
}

export interface Started<T> {
  child: ChildProcess;
  pid: number;
  /** The JSON the child printed after `BENCH_READY `. */
  info: T;
  /** Resolves with the JSON the child printed after `BENCH_RESULT `, when it exits. */
  result: Promise<unknown>;
  stop(): Promise<void>;
}

export interface StartOptions {
  core?: number | null;
  env?: Record<string, string>;
  nodeArgs?: string[];
  cwd?: string;
  /** How long to wait for BENCH_READY (or, with waitReady false, nothing). */
  readyTimeoutMs?: number;
  waitReady?: boolean;
  quiet?: boolean;
}

/** Starts `node --import tsx script args` and waits for its `BENCH_READY {json}` line. */
export async function startNode<T = Record<string, unknown>>(script: string, args: unknown, o: StartOptions = {}): Promise<Started<T>> {
  hookExit();
  const nodeArgs = ['--import', 'tsx', ...(o.nodeArgs ?? []), script, JSON.stringify(args)];
  const [cmd, argv] = pinned(o.core ?? null, process.execPath, nodeArgs);
  const child = spawn(cmd, argv, { cwd: o.cwd ?? ROOT, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const name = path.basename(script);
  let ready: (v: T) => void;
  let fail: (e: Error) => void;
  const readyP = new Promise<T>((res, rej) => ((ready = res), (fail = rej)));
  readyP.catch(() => {}); // awaited below when wanted; a late exit must not be unhandled
  let result: unknown = null;
  let out = '';
  let errTail = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    let i;
    while ((i = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      if (line.startsWith('BENCH_READY ')) ready(JSON.parse(line.slice(12)));
      else if (line.startsWith('BENCH_RESULT ')) result = JSON.parse(line.slice(13));
      else if (!o.quiet && line.trim()) process.stderr.write(`  [${name}] ${line}\n`);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    errTail = (errTail + s).slice(-4000);
    if (!o.quiet) process.stderr.write(s.replace(/^(?=.)/gm, `  [${name}!] `));
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => {
    live.delete(child);
    fail(new Error(`${name} exited (${code}) before it was ready: ${errTail.trim().split('\n').slice(-3).join(' | ')}`));
    res(code);
  }));
  const timer = setTimeout(() => fail(new Error(`${name} not ready after ${o.readyTimeoutMs ?? 120_000} ms`)), o.readyTimeoutMs ?? 120_000);
  let info: T;
  if (o.waitReady === false) info = {} as T;
  else {
    try {
      info = await readyP;
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
  clearTimeout(timer);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 8_000);
    await exited;
    clearTimeout(t);
  };
  const resultP = exited.then((code) => {
    if (result === null) throw new Error(`${name} exited (${code}) without a result: ${errTail.trim().split('\n').slice(-3).join(' | ')}`);
    return result;
  });
  resultP.catch(() => {});
  return { child, pid: child.pid!, info, result: resultP, stop };
}

/** Runs a load script to completion and returns its BENCH_RESULT. */
export async function runNode<R>(script: string, args: unknown, o: StartOptions & { timeoutMs: number }): Promise<R> {
  const p = await startNode(script, args, { ...o, waitReady: false });
  const t = setTimeout(() => p.child.kill('SIGKILL'), o.timeoutMs);
  try {
    return (await p.result) as R;
  } finally {
    clearTimeout(t);
    await p.stop();
  }
}

/** Prints the ready line the harness waits for. */
export function announce(info: unknown): void {
  process.stdout.write(`BENCH_READY ${JSON.stringify(info)}\n`);
}

export function report(result: unknown): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** Parses the one JSON argument every bench child gets. */
export function childArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** Removes a temp folder, never failing the run for it. */
export function rmrf(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch {
    // left for the OS to clean
  }
}
