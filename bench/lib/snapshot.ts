/**
 * Unfold is benchmarked as committed, not as whatever is half-edited in the shared tree:
 * a revision's files are extracted into .tmp/rev-<sha>/ (package imports still resolve
 * to the project's node_modules, one folder up the tree) and the servers run from there.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './proc.ts';

export function revSha(rev: string): string {
  return execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** Extracts `rev` (src, fixtures, scripts, package.json) once and returns the copy's root. */
export function snapshot(rev: string): { root: string; sha: string } {
  const sha = revSha(rev);
  const root = path.join(ROOT, '.tmp', `rev-${sha.slice(0, 12)}`);
  if (!fs.existsSync(path.join(root, '.complete'))) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    const paths = ['src', 'fixtures', 'scripts', 'package.json'].filter((p) => {
      try {
        execFileSync('git', ['cat-file', '-e', `${sha}:${p}`], { cwd: ROOT, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    const tar = execFileSync('git', ['archive', '--format=tar', sha, ...paths], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', root], { input: tar });
    fs.writeFileSync(path.join(root, '.complete'), sha);
  }
  return { root, sha };
}

/**
 * A copy of `srcRoot` (a src/ folder) in which `files` (paths under src/) are taken from
 * `rev`: the build under test with only those files put back as they were, so a
 * before/after comparison isolates one change from everything else in the tree.
 */
export function withFilesFrom(srcRoot: string, rev: string, files: string[]): string {
  const sha = revSha(rev);
  const root = path.join(ROOT, '.tmp', `before-${sha.slice(0, 12)}-${process.pid}`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.cpSync(srcRoot, path.join(root, 'src'), { recursive: true });
  const fixtures = path.join(path.dirname(srcRoot), 'fixtures');
  if (fs.existsSync(fixtures)) fs.cpSync(fixtures, path.join(root, 'fixtures'), { recursive: true });
  for (const f of files) {
    const text = execFileSync('git', ['show', `${sha}:src/${f}`], { cwd: ROOT, maxBuffer: 1 << 26 });
    fs.writeFileSync(path.join(root, 'src', f), text);
  }
  return path.join(root, 'src');
}
