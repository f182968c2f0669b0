import { hostname } from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Cross-process lock for one SQLite file: a `<db>.lock` directory holding an `owner` file with `host:pid`. Used by the
 * VFS for every lock level (storage-and-crypto.md §7).
 *
 * The owner is written BEFORE the lock exists: each process prepares a private claim directory
 * (`<db>.lock.claim-<pid>-<n>`, with its owner file) once, and acquires the lock by renaming it to `<db>.lock`, which
 * fails while another process holds the lock (the target is a non-empty directory). Release renames it back. So a
 * lock directory always names its owner, even when a process is killed at any instruction; acquire and release are
 * one syscall each.
 *
 * A lock whose owner process is dead (same host, `kill(pid, 0)` fails with ESRCH) is broken. A lock directory without
 * a readable owner (left by another implementation, or a crash while it was being created) is broken once it is older
 * than `ownerlessStaleMs`. Leftover claim directories of dead processes are removed when a lock is created.
 */
export interface DotLockOptions {
  /** Age after which a lock directory with no (readable) owner file counts as stale. Default 10 s. */
  ownerlessStaleMs?: number;
}

const OWNER_FILE = 'owner';
let handleCounter = 0;
const HOST = hostname();

export function lockDirFor(dbPath: string): string {
  return `${dbPath}.lock`;
}

export class DotLock {
  readonly dir: string;
  readonly owner: string;
  private readonly claimDir: string;
  private readonly ownerlessStaleMs: number;
  private held = false;
  /** The claim directory exists with our owner file (so acquiring is a single rename). */
  private claimReady = false;

  constructor(dbPath: string, opts: DotLockOptions = {}) {
    this.dir = lockDirFor(dbPath);
    // Unique per handle: two connections of one process must never share a claim directory.
    this.claimDir = `${this.dir}.claim-${process.pid}-${++handleCounter}`;
    this.owner = `${HOST}:${process.pid}`;
    this.ownerlessStaleMs = opts.ownerlessStaleMs ?? 10_000;
    removeDeadClaims(this.dir);
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Never throws for contention: returns false when another live process holds the lock. */
  tryAcquire(): boolean {
    if (this.held) return true;
    if (this.claim()) return true;
    // One stale-break attempt, then report busy (SQLite's busy handler calls again after xSleep).
    if (this.breakIfStale() && this.claim()) return true;
    return false;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      fs.renameSync(this.dir, this.claimDir);
      this.claimReady = true;
    } catch {
      // Could not park it (the folder vanished?): make sure no lock of ours stays behind.
      if (readOwner(path.join(this.dir, OWNER_FILE)) === this.owner) fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Removes this process's claim directory (on close of the last handle). */
  dispose(): void {
    this.release();
    fs.rmSync(this.claimDir, { recursive: true, force: true });
    this.claimReady = false;
  }

  /** True if any process (this one included) currently holds the lock directory. */
  existsOnDisk(): boolean {
    return fs.existsSync(this.dir);
  }

  private claim(): boolean {
    // rename() would silently replace an EMPTY directory: respect one (another implementation between its mkdir and
    // its owner write) instead of taking it over.
    if (fs.existsSync(this.dir)) return false;
    this.ensureClaimDir();
    try {
      fs.renameSync(this.claimDir, this.dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM' || code === 'EACCES' || code === 'EBUSY') {
        return false;
      }
      throw e;
    }
    this.held = true;
    this.claimReady = false;
    return true;
  }

  private ensureClaimDir(): void {
    if (this.claimReady) return;
    fs.mkdirSync(this.claimDir, { recursive: true });
    fs.writeFileSync(path.join(this.claimDir, OWNER_FILE), this.owner);
    this.claimReady = true;
  }

  /** Breaks the lock if its owner is provably gone. Returns true if the lock directory no longer exists. */
  private breakIfStale(): boolean {
    const owner = readOwner(path.join(this.dir, OWNER_FILE));
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
   * stale. If a live process took the lock in between, its directory is renamed back untouched.
   */
  private removeIf(expectedOwner: string | undefined): boolean {
    const tomb = `${this.dir}.stale-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try {
      fs.renameSync(this.dir, tomb);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    const now = readOwner(path.join(tomb, OWNER_FILE));
    if (now !== expectedOwner) {
      try {
        fs.renameSync(tomb, this.dir);
      } catch {
        // The lock was taken again meanwhile. The tomb belonged to a live process that no longer holds a directory
        // named `.lock`; its release() rename fails harmlessly and its next claim recreates its claim directory.
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
  return !isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Claim directories (`<lock>.claim-<pid>`) and stale tombstones left by processes that no longer exist. */
function removeDeadClaims(lockDir: string): void {
  const parent = path.dirname(lockDir);
  const base = path.basename(lockDir);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const m = /^\.(?:claim|stale)-(\d+)/.exec(name.slice(base.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}
