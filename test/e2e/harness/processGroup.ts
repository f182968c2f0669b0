import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child started in its own process group so that stopping it also stops everything it started (ptys, hosts). */
export class ProcessGroup {
  private exited: Promise<number | null>;
  private output = '';

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const keep = (b: Buffer) => {
      this.output = (this.output + b.toString('utf8')).slice(-64_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static start(name: string, cmd: string, args: string[], opts: SpawnOptions): ProcessGroup {
    const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ProcessGroup(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Everything the process printed so far (last 64 KB). */
  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when `text` appears in the output; rejects if the process exits first or after `timeoutMs`. */
  waitForOutput(text: string | RegExp, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const test = () => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output));
      if (test()) return resolve(this.output);
      const onData = () => {
        if (test()) {
          cleanup();
          resolve(this.output);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.name} exited (code ${code}) before printing ${String(text)}:\n${this.output.slice(-4000)}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} did not print ${String(text)} within ${timeoutMs} ms:\n${this.output.slice(-4000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.stderr?.off('data', onData);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', onData);
      this.child.stderr?.on('data', onData);
      this.child.once('exit', onExit);
    });
  }

  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the leader has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.pid <= 0) return;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-this.pid, sig);
      } catch {
        /* group already gone */
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    signal('SIGKILL'); // leftovers in the group (e.g. a pty's shell) must not outlive the test
  }
}
