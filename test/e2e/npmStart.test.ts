import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness/ports';
import { repoRoot } from './harness/runtime';
import { waitFor } from './harness/waitFor';

/**
 * `npm start` as a user runs and stops it (issue "Trustworthy under real use" §2): a plain `kill -INT` or
 * `kill -TERM` on the PID of `npm start`, Ctrl+C (SIGINT to the terminal's foreground process group) and the parent
 * shell going away each stop every process it started; two starts share a relay only when it is provably this
 * clone's, and stopping one device leaves the other's relay running.
 */

interface Proc {
  pid: number;
  start: string;
  cmd: string;
}

function stat(pid: number): { ppid: number; start: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), start: f[19] ?? '' };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** Every process below `root` right now (by parent links), identified by pid + start time so reuse cannot fool us. */
function descendants(root: number): Proc[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const st = stat(pid);
    if (!st) continue;
    children.set(st.ppid, [...(children.get(st.ppid) ?? []), pid]);
  }
  const out: Proc[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    const st = stat(pid);
    if (st) out.push({ pid, start: st.start, cmd: cmdline(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

const stillRunning = (procs: Proc[]): Proc[] => procs.filter((p) => stat(p.pid)?.start === p.start);

/** The environment of a user's shell: nothing an outer npm exported (this suite itself runs under `npm test`). */
function shellEnv(stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, CARO_START_DIR: stateDir };
}

class Started {
  output = '';
  constructor(readonly child: ChildProcess) {
    const keep = (b: Buffer) => (this.output += b.toString('utf8'));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }
  get pid(): number {
    return this.child.pid ?? -1;
  }
  async ready(): Promise<void> {
    await waitFor('npm start to print "Caro History is running"', async () => {
      if (this.child.exitCode !== null) throw new Error(`npm start exited (${this.child.exitCode}):\n${this.output.slice(-4000)}`);
      return /Caro History is running/.test(this.output) || undefined;
    }, { timeoutMs: 300_000, describe: () => this.output.slice(-1500) });
  }
  relayUrl(): string {
    const m = this.output.match(/Relay:\s+(ws:\/\/\S+)/);
    assert.ok(m, `no relay URL in:\n${this.output}`);
    return m[1]!;
  }
}

/** `npm start` in a new session (its own process group, like a terminal's foreground job). */
function npmStart(stateDir: string, device: string, port: number, relayPort: number, viaShell = false): Started {
  const args = ['start', '--', '--device', device, '--port', String(port), '--relay-port', String(relayPort)];
  const child = viaShell
    ? spawn('bash', ['-c', `npm ${args.join(' ')} & wait`], { cwd: repoRoot, env: shellEnv(stateDir), detached: true })
    : spawn('npm', args, { cwd: repoRoot, env: shellEnv(stateDir), detached: true });
  return new Started(child);
}

async function allGone(procs: Proc[], what: string): Promise<void> {
  await waitFor(what, async () => stillRunning(procs).length === 0 || undefined, {
    timeoutMs: 20_000,
    describe: () => stillRunning(procs).map((p) => `${p.pid} ${p.cmd.slice(0, 120)}`).join('\n'),
  });
}

describe('npm start: stopping and sharing the relay (real code-server)', function () {
  this.timeout(600_000);
  let stateDir: string;
  const cleanup: number[] = [];
  let foreign: Server | undefined;

  before(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'caro-npm-start-'));
  });

  after(() => {
    for (const pid of cleanup) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    foreign?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('kill -INT <pid of npm start> stops npm, start, code-server, its terminals and the relay', async () => {
    const a = npmStart(stateDir, 'sigint', await freePort(), await freePort());
    cleanup.push(a.pid);
    await a.ready();
    const tree = descendants(a.pid);
    assert.ok(tree.some((p) => /code-server|entry\.js/.test(p.cmd)), `code-server runs under npm start:\n${tree.map((p) => p.cmd).join('\n')}`);
    assert.ok(tree.some((p) => /dist\/relay\.js/.test(p.cmd)), 'the relay runs under npm start');
    process.kill(a.pid, 'SIGINT');
    await allGone([...tree, { pid: a.pid, start: stat(a.pid)?.start ?? '', cmd: 'npm' }], 'every process of npm start to stop after kill -INT');
    assert.match(a.output, /Stopped\./);
  });

  it('a second start shares only its own relay; SIGTERM to device a keeps it for b; Ctrl+C on b stops it', async () => {
    const relayPort = await freePort();
    const a = npmStart(stateDir, 'share-a', await freePort(), relayPort);
    cleanup.push(a.pid);
    await a.ready();
    const b = npmStart(stateDir, 'share-b', await freePort(), relayPort);
    cleanup.push(b.pid);
    await b.ready();
    assert.match(b.output, /sharing the relay another `npm start` of this clone runs/);
    assert.equal(b.relayUrl(), a.relayUrl());
    const treeA = descendants(a.pid);
    const relay = treeA.find((p) => /dist\/relay\.js/.test(p.cmd));
    assert.ok(relay, 'device a started the relay');

    process.kill(a.pid, 'SIGTERM');
    await allGone(treeA.filter((p) => p !== relay), 'device a to stop');
    assert.match(a.output, /relay keeps running for the other `npm start` using it \(device share-b\)/);
    assert.equal(stillRunning([relay]).length, 1, "stopping device a must not take b's relay away");

    const treeB = descendants(b.pid);
    process.kill(-b.pid, 'SIGINT'); // Ctrl+C: the whole foreground process group
    await allGone([...treeB, relay], 'device b and, as the last user, the relay to stop');
  });

  it('something else on the relay port is left alone; the parent shell going away stops everything', async () => {
    const port = await freePort();
    foreign = createServer((s) => s.end()).listen(port, '127.0.0.1');
    await new Promise((r) => foreign!.once('listening', r));
    const shell = npmStart(stateDir, 'orphan', await freePort(), port, true);
    cleanup.push(shell.pid);
    await shell.ready();
    assert.match(shell.output, new RegExp(`port ${port} is in use by something that is not this clone's relay`));
    assert.notEqual(shell.relayUrl(), `ws://127.0.0.1:${port}`);
    const tree = descendants(shell.pid);
    assert.ok(tree.some((p) => /dist\/relay\.js/.test(p.cmd)));
    process.kill(shell.pid, 'SIGKILL'); // the shell that ran `npm start` is gone, with no signal to its job
    await allGone(tree, 'npm start to notice its shell went away and stop everything');
    assert.equal(foreign.listening, true, 'the foreign server on the port was not touched');
  });
});
