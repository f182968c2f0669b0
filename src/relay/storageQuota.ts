/**
 * Stored bytes per Jazz account (the part of a session id before `_session_`), fed by the relay's SQLite driver as
 * cojson writes transactions, so it counts what is really on disk and survives restarts (rebuilt from the store).
 */
import { sessionOwner } from '../core/sync/wireGuard';

export class StorageQuota {
  private readonly used = new Map<string, number>();

  constructor(readonly limitBytes: number) {}

  /** Called for every stored transaction (and once per session at startup with its total). */
  record(sessionId: string, bytes: number): void {
    const owner = sessionOwner(sessionId);
    this.used.set(owner, (this.used.get(owner) ?? 0) + bytes);
  }

  usedBy(owner: string): number {
    return this.used.get(owner) ?? 0;
  }

  /** Accounts by stored bytes, largest first (for reports). */
  largest(n = 5): [owner: string, bytes: number][] {
    return [...this.used.entries()].sort((x, y) => y[1] - x[1]).slice(0, n);
  }

  /** True if storing `bytes` more for the session's account would pass the quota. */
  wouldExceed(sessionId: string, bytes: number): boolean {
    return this.usedBy(sessionOwner(sessionId)) + bytes > this.limitBytes;
  }
}
