import { renameSync, writeFileSync } from 'node:fs';
import type { ExecutionFacts } from './terminal/shellCapture';

/**
 * Observable state for the end-to-end suite. Only active when CARO_HISTORY_TEST_HOOKS=1; the file path comes from
 * CARO_HISTORY_TEST_STATE. Written atomically (tmp + rename), at most every 50 ms. Never contains secrets: commands
 * here are the stored (redacted) form.
 */
export interface TestHookState {
  activated: boolean;
  /** Time spent inside activate(), ms. */
  activateMs: number;
  /** Shell executions seen / stored. */
  capturedCount: number;
  storedCount: number;
  lastCaptured?: { command: string; exitCode?: number; stored: boolean; reason?: string };
  /** What VS Code reported for the last execution (no command text). */
  lastExecution?: ExecutionFacts;
  /** Labels of the first tree items as last rendered (group labels and their first entries). */
  treeTopItems: string[];
  statusBarText: string;
  statusBarState: string;
  syncState: string;
  recordingPaused: boolean;
  historyOpen: boolean;
  /** Last message shown to the user (info/warning/error), for bad-input scenarios. */
  lastMessage?: { severity: 'info' | 'warning' | 'error'; text: string };
  updatedAt: number;
}

export class TestHooks {
  private state: TestHookState = {
    activated: false,
    activateMs: 0,
    capturedCount: 0,
    storedCount: 0,
    treeTopItems: [],
    statusBarText: '',
    statusBarState: '',
    syncState: 'off',
    recordingPaused: false,
    historyOpen: false,
    updatedAt: 0,
  };
  private timer: ReturnType<typeof setTimeout> | undefined;

  private constructor(private readonly file: string) {}

  /** Returns undefined (and costs nothing) unless the hooks are switched on. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): TestHooks | undefined {
    const file = env['CARO_HISTORY_TEST_STATE'];
    if (env['CARO_HISTORY_TEST_HOOKS'] !== '1' || !file) return undefined;
    return new TestHooks(file);
  }

  get current(): Readonly<TestHookState> {
    return this.state;
  }

  update(patch: Partial<TestHookState>): void {
    this.state = { ...this.state, ...patch };
    if (!this.timer) this.timer = setTimeout(() => this.flush(), 50);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.state.updatedAt = Date.now();
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.state, null, 2));
      renameSync(tmp, this.file);
    } catch {
      // The test harness reads what it can; never break the extension over it.
    }
  }

  dispose(): void {
    this.flush();
  }
}
