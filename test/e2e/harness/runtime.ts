import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');

/** Paths printed by `scripts/vscodeRuntime.mjs --print-paths` (the cached code-server + Node 24 runtime). */
export interface RuntimePaths {
  dir: string;
  node: string;
  nodeBinDir: string;
  nodePackage: string;
  codeServer: string;
  config: string;
  vscodeVersion: string;
  complete: boolean;
}

let cached: RuntimePaths | undefined;

/** The installed runtime; throws with the command that installs it when it is missing. */
export function vscodeRuntime(): RuntimePaths {
  if (cached) return cached;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/vscodeRuntime.mjs'), '--print-paths'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/vscodeRuntime.mjs --print-paths failed: ${r.stderr}`);
  const paths = JSON.parse(r.stdout) as RuntimePaths;
  if (!paths.complete) {
    throw new Error(`The VS Code runtime is not installed in ${paths.dir}. Run: node scripts/vscodeRuntime.mjs --ensure`);
  }
  cached = paths;
  return paths;
}

export const CHROMIUM = process.env['CARO_CHROMIUM'] ?? '/usr/bin/chromium';
