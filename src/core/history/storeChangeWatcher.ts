import type { Disposable } from '../util/disposable';

/** Timer functions the watcher schedules with (fake ones in tests). Same shape as the sync engine's timers. */
export interface WatcherTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface StoreChangeWatcherOptions {
  /**
   * A cheap, lock-free signature of the store file (size, mtime, ctime), or undefined while it is missing. Checked
   * on every tick; only when it moved is the database itself asked.
   */
  fileSignature(): string | undefined;
  /**
   * `PRAGMA data_version` on this window's connection. SQLite changes it only when ANOTHER connection (another
   * window, the CLI) committed, so this window's own writes never count as external.
   */
  dataVersion(): number;
  /** Called once per detected batch of commits by other processes. */
  onExternalChange(): void;
  timers: WatcherTimers;
  /** Poll interval; the default keeps every view within about a quarter second of another window's write. */
  intervalMs?: number;
  /** A failed check is reported here and the watcher keeps going on the next tick. */
  onError?(error: unknown): void;
}

export const STORE_WATCH_INTERVAL_MS = 250;

/**
 * Notices writes to the history store by other processes (two VS Code windows of one device share one file) so every
 * window's views refresh without the user pressing Refresh. A stat() per tick; the database (which takes the
 * cross-process lock) is read only when the file changed.
 */
export class StoreChangeWatcher implements Disposable {
  private handle: unknown;
  private lastSignature: string | undefined;
  private lastVersion: number;
  private disposed = false;

  constructor(private readonly opts: StoreChangeWatcherOptions) {
    this.lastSignature = opts.fileSignature();
    this.lastVersion = opts.dataVersion();
    this.schedule();
  }

  /** One check now (the timer calls this; tests may too). Returns true when another process had written. */
  check(): boolean {
    const signature = this.opts.fileSignature();
    if (signature === this.lastSignature) return false;
    this.lastSignature = signature;
    const version = this.opts.dataVersion();
    if (version === this.lastVersion) return false;
    this.lastVersion = version;
    this.opts.onExternalChange();
    return true;
  }

  private schedule(): void {
    if (this.disposed) return;
    this.handle = this.opts.timers.setTimeout(() => {
      this.handle = undefined;
      try {
        this.check();
      } catch (e) {
        this.opts.onError?.(e);
      }
      this.schedule();
    }, this.opts.intervalMs ?? STORE_WATCH_INTERVAL_MS);
  }

  dispose(): void {
    this.disposed = true;
    if (this.handle !== undefined) this.opts.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
