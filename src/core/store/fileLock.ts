import { hostname } from 'node:os';
import * as fs from 'node:fs';

/**
 * Cross-process lock for one SQLite file: a `<db>.lock` directory (mkdir is atomic on every local file system) holding
 * an `owner` file with `host:pid`. Used by the VFS for every lock level (storage-and-crypto.md §7).
 *
 * A lock whose owner process is dead (same host, `kill(pid, 0)` fails with ESRCH) is broken. A lock directory without
 * an owner file (a crash between mkdir and writing `owner`) is broken once it is older than `ownerlessStaleMs`.
 */
export interface DotLockOptions {
  /** Age after which a lock directory with no (readable) owner file counts as stale. Default 10 s. */
  ownerlessStaleMs?: number;
}

const OWNER_FILE = 'owner';
const HOST = hostname();

export function lockDirFor(dbPath: string): string {
  return `${dbPath}.lock`;
}

export class DotLock {
  readonly dir: string;
  readonly owner: string;
  private readonly ownerPath: string;
  private readonly ownerlessStaleMs: number;
  private held = false;

  constructor(dbPath: string, opts: DotLockOptions = {}) {
    this.dir = lockDirFor(dbPath);
    this.ownerPath = `${this.dir}/${OWNER_FILE}`;
    this.owner = `${HOST}:${process.pid}`;
    this.ownerlessStaleMs = opts.ownerlessStaleMs ?? 10_000;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Never throws for contention: returns false when another live process holds the lock. */
  tryAcquire(): boolean {
    if (this.held) return true;
    if (this.mkdirAndClaim()) return true;
    // One stale-break attempt, then report busy (SQLite's busy handler calls again after xSleep).
    if (this.breakIfStale() && this.mkdirAndClaim()) return true;
    return false;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      fs.unlinkSync(this.ownerPath);
    } catch {
      // already gone
    }
    try {
      fs.rmdirSync(this.dir);
    } catch {
      try {
        fs.rmSync(this.dir, { recursive: true, force: true });
      } catch {
        // nothing more we can do; a later opener breaks it as stale
      }
    }
  }

  /** True if any process (this one included) currently holds the lock directory. */
  existsOnDisk(): boolean {
    return fs.existsSync(this.dir);
  }

  private mkdirAndClaim(): boolean {
    try {
      fs.mkdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    fs.writeFileSync(this.ownerPath, this.owner);
    this.held = true;
    return true;
  }

  /** Breaks the lock if its owner is provably gone. Returns true if the lock directory no longer exists. */
  private breakIfStale(): boolean {
    const owner = readOwner(this.ownerPath);
    if (owner === undefined) {
      let st: fs.Stats;
      try {
        st = fs.statSync(this.dir);
      } catch {
        return true; // released meanwhile
      }
      if (Date.now() - st.mtimeMs < this.ownerlessStaleMs) return false;
      return this.removeIf(undefined);
    }
    if (!isDeadLocalOwner(owner)) return false;
    return this.removeIf(owner);
  }

  /**
   * Renames the lock directory to a unique tombstone, then checks that the tombstone still has the owner we judged
   * stale. If a live process re-took the lock in between, its directory is renamed back untouched.
   */
  private removeIf(expectedOwner: string | undefined): boolean {
    const tomb = `${this.dir}.stale-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try {
      fs.renameSync(this.dir, tomb);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    const now = readOwner(`${tomb}/${OWNER_FILE}`);
    if (now !== expectedOwner) {
      try {
        fs.renameSync(tomb, this.dir);
      } catch {
        // the directory was re-created by someone else meanwhile; keep theirs, drop the tombstone
        fs.rmSync(tomb, { recursive: true, force: true });
      }
      return false;
    }
    fs.rmSync(tomb, { recursive: true, force: true });
    return true;
  }
}

function readOwner(p: string): string | undefined {
  try {
    const s = fs.readFileSync(p, 'utf8');
    return s.length > 0 ? s : undefined;
  } catch {
    return undefined;
  }
}

function isDeadLocalOwner(owner: string): boolean {
  const sep = owner.lastIndexOf(':');
  if (sep < 0) return false;
  const host = owner.slice(0, sep);
  const pid = Number(owner.slice(sep + 1));
  if (host !== HOST || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
