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
