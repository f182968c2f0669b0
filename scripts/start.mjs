// `npm start`: one command from a fresh clone to a real VS Code (code-server, in your browser) with Caro History
// installed from the packaged .vsix, a demo workspace and a local Jazz relay for sync.
//
//   npm start                       device "a" on http://127.0.0.1:8737, relay on ws://127.0.0.1:4200
//   npm start -- --device b         a second device (own profile, store and port 8738) on the same relay
//   npm start -- --port 9000 --relay-port 4300
//
// Steps, each skipped when its output is up to date: system packages (root only) → VS Code runtime (cached) →
// build + package (.vsix) → install into .caro/instances/<device>/extensions → relay (data in .caro/relay, kept) →
// code-server. Ctrl+C (or SIGTERM) stops every child process group; relay data and profiles are kept.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRuntime, pidAlive, runtimeEnv } from './vscodeRuntime.mjs';
import { packageVsix } from './package.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Everything `npm start` keeps (profiles, stores, relay data, demo workspace). CARO_START_DIR moves it (tests).
const caroDir = process.env.CARO_START_DIR || join(root, '.caro');

function usage(problem) {
  if (problem) console.error(problem);
  console.error('usage: npm start [-- --device <name>] [--port <n>] [--relay-port <n>] [--no-relay]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { device: 'a', port: undefined, relayPort: 4200, relay: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--device') opts.device = next();
    else if (a === '--port') opts.port = Number(next());
    else if (a === '--relay-port') opts.relayPort = Number(next());
    else if (a === '--no-relay') opts.relay = false;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  if (!/^[a-z0-9][a-z0-9-]{0,30}$/i.test(opts.device)) usage(`--device must be a short name like "a" or "laptop"`);
  const offset = opts.device === 'a' ? 0 : opts.device === 'b' ? 1 : 2 + (opts.device.charCodeAt(0) % 50);
  opts.port ??= 8737 + offset;
  for (const [flag, v] of [['--port', opts.port], ['--relay-port', opts.relayPort]]) {
    if (!Number.isInteger(v) || v < 1 || v > 65535) usage(`${flag} must be a port number (1–65535)`);
  }
  return opts;
}

function step(label) {
  console.log(`\x1b[1m▸ ${label}\x1b[0m`);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function readJson(file, fallback) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

/** Kills processes a previous, abruptly killed `npm start` left behind (recorded pids whose command line is ours). */
function killLeftovers(pidFile, marker) {
  for (const pid of readJson(pidFile, [])) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes(marker)) continue;
    console.log(`  stopping a leftover process group ${pid} from an earlier run`);
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
}

function parentOf(pid) {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** Up to `levels` launching processes above this one (never init/pid 1). */
function ancestorPids(levels) {
  const out = [];
  let pid = process.ppid;
  while (out.length < levels && pid > 1) {
    out.push(pid);
    pid = parentOf(pid);
  }
  return out;
}


const DEMO_README = `# Caro History demo workspace

This VS Code runs Caro History from the packaged .vsix. Things to try:

1. **Capture**: open a terminal (Ctrl+\`) and run a few commands:

       ls -la
       git --version
       false                       # a failing command: marked failed in the tree
       export AWS_SECRET_ACCESS_KEY=abcdEFGHijklMNOPqrstUVWXyz0123456789abcd   # stored redacted
        echo "leading space: not recorded"

   Each one appears in the **Caro History** view in the activity bar, with its exit status.
2. **Reuse**: in the terminal press **Ctrl+R** (Search History), type part of a command, press Enter: it is put on the
   prompt without running. Or right-click a tree item → Insert into Terminal.
3. **History panel**: run "Caro History: Open History Panel" from the command palette (F1): search as you type,
   arrows + Enter to insert, Delete to remove.
4. **Sync two devices**: run "Caro History: Set Up Sync" here (write down the 24 words), then start a second device
   with \`npm start -- --device b\`, open it in another browser tab and run "Caro History: Join Sync" with the phrase.
   Commands typed on one device appear on the other within seconds. The relay only ever sees encrypted data.
5. **Pause**: "Caro History: Pause Recording" — nothing is stored until you resume.
`;

const DEMO_SETTINGS = {
  'workbench.startupEditor': 'readme',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'terminal.integrated.defaultProfile.linux': 'bash',
  'terminal.integrated.shellIntegration.enabled': true,
};

/**
 * The local relay, shared by every `npm start` of this clone (devices a, b, …) but only when it can be proven to be
 * the one an `npm start` of this clone started: `owner.json` names its pid and a random token that the relay process
 * carries in its environment (checked in /proc). Anything else listening on the port is left alone and a relay of our
 * own starts on a free port. Each start registers in `clients/<pid>`; the relay runs in its own process group (Ctrl+C
 * in one terminal does not reach it) and the LAST start to stop stops it, so stopping device a never takes b's relay.
 */
class SharedRelay {
  constructor(dir) {
    this.dir = dir;
    this.ownerFile = join(dir, 'owner.json');
    this.clientsDir = join(dir, 'clients');
    this.shared = false;
    this.registered = false;
  }

  /** The running relay started by an `npm start` of this clone, or undefined. */
  owned() {
    const o = readJson(this.ownerFile, undefined);
    if (!o || !Number.isInteger(o.pid) || typeof o.token !== 'string' || !pidAlive(o.pid)) return undefined;
    let environ = '';
    try {
      environ = readFileSync(`/proc/${o.pid}/environ`, 'utf8');
    } catch {
      return undefined;
    }
    return environ.split('\0').includes(`CARO_RELAY_OWNER_TOKEN=${o.token}`) ? o : undefined;
  }

  liveClients() {
    let names = [];
    try {
      names = readdirSync(this.clientsDir);
    } catch {
      return [];
    }
    const live = [];
    for (const name of names) {
      const pid = Number(name);
      if (pid !== process.pid && Number.isInteger(pid) && pidAlive(pid)) live.push({ pid, device: readJson(join(this.clientsDir, name), {}).device });
      else if (pid !== process.pid) rmSync(join(this.clientsDir, name), { force: true });
    }
    return live;
  }

  register(device) {
    mkdirSync(this.clientsDir, { recursive: true });
    writeFileSync(join(this.clientsDir, String(process.pid)), JSON.stringify({ device }));
    this.registered = true;
  }

  /** Shares our running relay, or starts one (on `port`, or on a free port when something else holds it). */
  async acquire(port, device) {
    mkdirSync(this.dir, { recursive: true });
    const mine = this.owned();
    if (mine && (await portOpen(mine.port))) {
      this.register(device);
      this.shared = true;
      console.log(`  sharing the relay another \`npm start\` of this clone runs (pid ${mine.pid}): ${mine.url}`);
      return mine.url;
    }
    let listenPort = port;
    if (await portOpen(port)) {
      listenPort = await freePort();
      console.log(`  port ${port} is in use by something that is not this clone's relay: starting our own relay on port ${listenPort}`);
    }
    const relayMain = join(root, 'dist', 'relay.js');
    if (!existsSync(relayMain)) {
      throw new Error('dist/relay.js is missing: the build did not produce the relay. Run `npm run build` and check its errors.');
    }
    const token = randomBytes(16).toString('hex');
    const logFile = join(this.dir, 'relay.log');
    const fd = openSync(logFile, 'w');
    const child = spawn(process.execPath, [relayMain, '--port', String(listenPort), '--data', this.dir], {
      cwd: root,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, CARO_RELAY_OWNER_TOKEN: token },
    });
    closeSync(fd);
    child.unref();
    const deadline = Date.now() + 30_000;
    let url;
    while (!url) {
      const log = readFileSync(logFile, 'utf8');
      url = log.match(/listening on (ws:\/\/\S+)/)?.[1];
      if (url) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        throw new Error(`the relay did not start (see ${relative(root, logFile)}):\n${log.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    writeFileSync(this.ownerFile, JSON.stringify({ pid: child.pid, port: listenPort, url, token }));
    this.register(device);
    console.log(`  ${url} (data in ${relative(root, this.dir) || this.dir}, kept between runs; log in relay.log)`);
    return url;
  }

  /** Unregisters; stops the relay when no other `npm start` still uses it. */
  async release() {
    if (!this.registered) return;
    this.registered = false;
    rmSync(join(this.clientsDir, String(process.pid)), { force: true });
    const others = this.liveClients();
    const mine = this.owned();
    if (!mine) return;
    if (others.length) {
      const who = others.map((c) => (c.device ? `device ${c.device}` : `pid ${c.pid}`)).join(', ');
      console.log(`The relay keeps running for the other \`npm start\` using it (${who}); it stops with the last one.`);
      return;
    }
    try {
      process.kill(-mine.pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + 5000;
    while (pidAlive(mine.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (pidAlive(mine.pid)) {
      try {
        process.kill(-mine.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(this.ownerFile, { force: true });
  }
}

/** A port nothing listens on right now (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Set in main(); Children.stopAll releases it. */
let relay;

class Children {
  constructor() {
    this.list = [];
    this.stopping = false;
  }
  start(name, cmd, args, opts) {
    const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const entry = { name, child, output: '' };
    const onData = (b) => {
      entry.output = (entry.output + b.toString()).slice(-20000);
      if (opts.echo) for (const line of b.toString().split('\n')) if (line.trim()) console.log(`  [${name}] ${line}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      entry.exited = true;
      if (!this.stopping) {
        console.error(`\n${name} stopped unexpectedly (${signal ?? `exit ${code}`}). Its last output:\n${entry.output.slice(-3000)}`);
        this.stopAll(1);
      }
    });
    this.list.push(entry);
    return entry;
  }
  waitFor(entry, re, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${entry.name} did not start within ${timeoutMs / 1000} s:\n${entry.output.slice(-3000)}`)), timeoutMs);
      const check = () => {
        const m = entry.output.match(re);
        if (m) {
          clearTimeout(timer);
          entry.child.stdout.off('data', check);
          entry.child.stderr.off('data', check);
          resolve(m);
        }
      };
      entry.child.stdout.on('data', check);
      entry.child.stderr.on('data', check);
      entry.child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`${entry.name} exited during start-up:\n${entry.output.slice(-3000)}`));
      });
      check();
    });
  }
  pids() {
    return this.list.map((e) => e.child.pid);
  }
  async stopAll(code = 0) {
    if (this.stopping) return;
    this.stopping = true;
    const alive = this.list.filter((e) => !e.exited);
    for (const e of alive) {
      try {
        process.kill(-e.child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    const killTimer = setTimeout(() => {
      for (const e of alive) {
        try {
          process.kill(-e.child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }, 5000);
    await Promise.all(alive.map((e) => (e.exited ? undefined : new Promise((r) => e.child.once('exit', r)))));
    clearTimeout(killTimer);
    for (const e of alive) {
      try {
        process.kill(-e.child.pid, 'SIGKILL'); // anything left in the group (terminals' shells)
      } catch {
        /* gone */
      }
    }
    await relay.release();
    console.log(`Stopped. Relay data and VS Code profiles are kept in ${relative(root, caroDir) || caroDir}/.`);
    process.exit(code);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const ancestors = ancestorPids(3);
  const children = new Children();
  relay = new SharedRelay(join(caroDir, 'relay'));
  const stop = () => children.stopAll(0);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // `npm start` execs bootstrap.mjs, which runs this script in-process, so npm's forwarded SIGINT/SIGTERM land here.
  // If a launching ancestor (npm, the shell) goes away without a signal, clean up anyway: nothing is left behind.
  setInterval(() => {
    if (ancestors.some((pid) => !pidAlive(pid))) stop();
  }, 1000).unref();

  const instDir = join(caroDir, 'instances', opts.device);
  mkdirSync(instDir, { recursive: true });
  const pidFile = join(instDir, 'pids.json');
  killLeftovers(pidFile, instDir);

  if (process.platform === 'linux' && spawnSync('sh', ['-c', 'command -v dpkg'], { stdio: 'ignore' }).status === 0) {
    step('system packages');
    const r = spawnSync('bash', [join(root, 'scripts/systemDeps.sh')], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }

  step('VS Code runtime (code-server, cached)');
  const runtime = await ensureRuntime();
  console.log(`  ${runtime.dir}`);

  step('build + package');
  const pkg = packageVsix({ ifStale: true });
  console.log(`  ${relative(root, pkg.path)} (${Math.round(pkg.bytes / 1024)} KB)${pkg.skipped ? ', up to date' : ''}`);

  step(`install into device "${opts.device}"`);
  const extDir = join(instDir, 'extensions');
  const userData = join(instDir, 'user-data');
  const storeDir = join(instDir, 'store');
  for (const d of [extDir, join(userData, 'User'), storeDir]) mkdirSync(d, { recursive: true });
  const installedMarker = join(instDir, 'installed-vsix.json');
  const stamp = { path: pkg.path, bytes: pkg.bytes, mtimeMs: statSync(pkg.path).mtimeMs };
  const prev = readJson(installedMarker, {});
  const env = runtimeEnv(runtime);
  delete env.NODE_OPTIONS;
  const common = ['--config', runtime.config, '--user-data-dir', userData, '--extensions-dir', extDir];
  if (prev.mtimeMs !== stamp.mtimeMs || prev.bytes !== stamp.bytes) {
    const r = spawnSync(runtime.node, [runtime.codeServer, ...common, '--force', '--install-extension', pkg.path], {
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      console.error(`Installing the extension into code-server failed:\n${r.stdout}\n${r.stderr}`);
      process.exit(1);
    }
    writeFileSync(installedMarker, JSON.stringify(stamp));
    console.log(`  installed ${relative(root, pkg.path)}`);
  } else {
    console.log('  already installed');
  }

  let relayUrl;
  if (opts.relay) {
    step('relay');
    relayUrl = await relay.acquire(opts.relayPort, opts.device);
  }

  step('VS Code');
  if (await portOpen(opts.port)) {
    console.error(`Port ${opts.port} is already in use. Stop what uses it, or pick another port: npm start -- --port <n>`);
    return children.stopAll(1);
  }
  const workspace = join(caroDir, 'demo-workspace');
  mkdirSync(workspace, { recursive: true });
  if (!existsSync(join(workspace, 'README.md'))) writeFileSync(join(workspace, 'README.md'), DEMO_README);
  const settingsFile = join(userData, 'User', 'settings.json');
  const settings = { ...DEMO_SETTINGS, ...readJson(settingsFile, {}) };
  if (relayUrl) settings['caroHistory.syncServerUrl'] = relayUrl;
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  // code-server is a remote window: machine-scoped settings (caroHistory.deviceName) live in the Machine settings.
  const machineFile = join(userData, 'Machine', 'settings.json');
  mkdirSync(dirname(machineFile), { recursive: true });
  const machine = readJson(machineFile, {});
  machine['caroHistory.deviceName'] ??= `Demo device ${opts.device.toUpperCase()}`;
  writeFileSync(machineFile, JSON.stringify(machine, null, 2));

  const code = children.start(
    `code-server (${opts.device})`,
    runtime.node,
    [
      runtime.codeServer,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${opts.port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { cwd: workspace, env: { ...env, CARO_HISTORY_HOME: storeDir, SHELL: process.env.SHELL || '/bin/bash' } },
  );
  writeFileSync(pidFile, JSON.stringify(children.pids()));
  await children.waitFor(code, /HTTP server listening on/, 60_000).catch((e) => {
    console.error(e.message);
    return children.stopAll(1);
  });
  writeFileSync(pidFile, JSON.stringify(children.pids()));

  const url = `http://127.0.0.1:${opts.port}/?folder=${encodeURIComponent(workspace)}`;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
\x1b[1mCaro History is running\x1b[0m (device "${opts.device}", ready in ${secs} s)

  Open:   ${url}
  Relay:  ${relayUrl ? `${relayUrl}${relay.shared ? ' (shared with another npm start of this clone)' : ''}` : 'not started (--no-relay)'}
  Store:  ${relative(root, storeDir)}

Try first: open a terminal (Ctrl+\`), run \`ls -la\` and \`false\`, and watch them appear in the Caro History view
(activity bar, history icon). Then press Ctrl+R in the terminal to search and insert. The demo workspace README lists more.
Second device: \`npm start -- --device b\` in another shell, then "Caro History: Join Sync" there with A's phrase.
Press Ctrl+C to stop (relay data and profiles are kept).`);
}

main().catch(async (e) => {
  console.error(`npm start failed: ${e instanceof Error ? e.message : String(e)}`);
  await relay?.release();
  process.exit(1);
});
