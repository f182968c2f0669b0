import type { HistoryEntry } from '../model/entry';

export interface PendingUpload {
  queueId: number;
  op: 'create' | 'delete';
  /** The current local state of the record (a tombstone carries `deletedAt` and no content). */
  entry: HistoryEntry;
}

export interface RemoteApplyResult {
  inserted: number;
  deleted: number;
  /** Already known, older than the retention period, or matching an exclude pattern. */
  skipped: number;
  /** Failed the checks (bad id, control characters, over 10 KB, date in the future, …). */
  rejected: number;
  /** Up to 5 reasons, free of command text. */
  problems?: string[];
}

/**
 * What the sync engine needs from the local history (implemented by HistoryService).
 * Queue rows (`sync_queue`) are written in the same transaction as the history row they describe, and are never
 * dropped by age (decision 13): only markUploaded() removes them.
 */
export interface HistorySyncPort {
  /** While on, every record/delete/import also queues its upload. Off by default (sync never set up). */
  setQueueing(enabled: boolean): void;
  /** Queues every record (live as 'create', tombstones as 'delete') that is not queued yet. Returns how many. */
  enqueueAllForUpload(): Promise<number>;
  /** Oldest first. */
  pendingUploads(limit: number): Promise<PendingUpload[]>;
  /** Removes the queue rows and stamps the records' `syncedAt`. */
  markUploaded(queueIds: number[], at: number): Promise<void>;
  /** Keeps the rows, counts the attempt and remembers the (plain-language) error. */
  markAttemptFailed(queueIds: number[], error: string): Promise<void>;
  pendingCount(): Promise<number>;
  /**
   * Applies records from other devices. Idempotent by id; a tombstone (`deletedAt`) wins over a live copy whatever the
   * order of arrival. Nothing applied here is queued for upload. Records are untrusted: each one passes the capture
   * checks; a bad one is counted in `rejected` (with a plain reason in `problems`, never its text) and skipped.
   */
  applyRemote(entries: readonly unknown[]): Promise<RemoteApplyResult>;
}
