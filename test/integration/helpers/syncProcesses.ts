/** Spawning relays and CLI devices as child processes (for kill / restart fault tests). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(__dirname, '..', '..', '..');
const tsxImport = ['--import', 'tsx'];
let relayBundle: Promise<string> | undefined;

/**
 * The relay as `npm run relay` runs it: an esbuild bundle on plain Node (tsx's loader swallows SIGINT handlers, so
 * the signal tests must not run through it). Built once per test run under .caro/ (git-ignored).
 */
function relayEntry(): Promise<string> {
  relayBundle ??= (async () => {
    const dir = join(root, '.caro', 'test-build');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `relay-${process.pid}.cjs`);
    await build({
      entryPoints: [join(root, 'src/relay/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['better-sqlite3', 'bufferutil', 'utf-8-validate'],
      outfile,
      logLevel: 'warning',
    });
    return outfile;
  })();
  return relayBundle;
}

export interface RelayProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code/signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `src/relay/main.ts` as a child process and waits for its "listening on" line. */
export async function spawnRelay(
  dataDir: string,
  port = 0,
  extra: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<RelayProcess> {
  const child = spawn(process.execPath, [await relayEntry(), '--port', String(port), '--data', dataDir, ...(extra.args ?? [])], {
    cwd: root,
    env: { ...process.env, ...extra.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    let errBuf = '';
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${errBuf}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(buf);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (errBuf += d.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`relay exited early: ${errBuf}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    exited,
    kill: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface DeviceRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the test device driver (syncDeviceMain.ts) with its own CARO_HISTORY_HOME. */
export function runDevice(
  home: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; onStdout?: (chunk: string, child: ChildProcess) => void } = {},
): Promise<DeviceRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...tsxImport, join(__dirname, 'syncDeviceMain.ts'), ...args], {
      cwd: root,
      env: { ...process.env, CARO_HISTORY_HOME: home, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(d.toString(), child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

export async function listDevice(home: string, env?: NodeJS.ProcessEnv): Promise<{ id: string; command: string; deviceId: string }[]> {
  const r = await runDevice(home, ['list'], env ? { env } : {});
  if (r.code !== 0) throw new Error(`list failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; command: string; deviceId: string });
}
