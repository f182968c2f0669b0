import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './runtime';

let built: string | undefined;

/**
 * The packaged extension under test: `scripts/package.mjs --if-stale` (builds and packages only when an input changed
 * since the last package), once per test run. The e2e suite always tests the real .vsix, never the source tree.
 */
export function ensureVsix(): string {
  if (built) return built;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/package.mjs'), '--if-stale', '--json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (r.status !== 0) throw new Error(`packaging the extension failed:\n${r.stdout}\n${r.stderr}`);
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { path: string };
  built = out.path;
  return built;
}
