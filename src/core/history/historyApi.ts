import type {
  CaptureOutcome,
  CapturedCommand,
  HistoryEntry,
  HistoryFilter,
  HistoryPage,
} from '../model/entry';
import type { Event } from '../util/emitter';

/** What changed, so views can refresh cheaply. `ids` empty = "anything may have changed". */
export interface HistoryChange {
  kind: 'added' | 'deleted' | 'cleared' | 'synced' | 'imported' | 'retention';
  ids: readonly string[];
  origin: 'local' | 'remote';
}

export interface HistoryStats {
  total: number;
  deleted: number;
  byRisk: Record<string, number>;
  failed: number;
  /** Commands per day (YYYY-MM-DD, local time) and per hour of day (24 buckets). */
  perDay: Record<string, number>;
  perHour: number[];
  skippedTooLarge: number;
  /** failed / commands with a known exit status (0 when none). */
  failureRate: number;
}

export interface ImportResult {
  imported: number;
  skippedDuplicates: number;
  skippedInvalid: number;
  /** Commands left out by the user's exclude patterns (shell-history import). */
  skippedExcluded?: number;
  /** Commands left out because retention would remove them at once (older than retentionDays, beyond maxCommands). */
  skippedOld?: number;
  /** Up to 5 plain-language reasons for skipped-invalid items, for the import summary. */
  problems?: string[];
  /** The import was cancelled; what was imported before stays. */
  cancelled?: boolean;
}

/** Long imports report progress and can be cancelled (between chunks of a few hundred commands). */
export interface ImportProgress {
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

/**
 * The history service contract used by the extension, the CLI, the webviews' host and the sync engine.
 * Implemented in historyService.ts over the encrypted SQLite store.
 */
export interface HistoryApi {
  /** Capture path: normalise → skip rules → size limit → redact → classify → encrypt → insert. */
  record(command: CapturedCommand): Promise<CaptureOutcome>;
  /** Newest first, deleted entries excluded. */
  latest(limit: number): Promise<HistoryEntry[]>;
  search(filter: HistoryFilter, offset: number, limit: number): Promise<HistoryPage>;
  get(id: string): Promise<HistoryEntry | undefined>;
  /** Soft delete (tombstone, propagates through sync). Returns the ids actually deleted. */
  delete(ids: readonly string[]): Promise<string[]>;
  /** Soft-delete everything. */
  clear(): Promise<number>;
  stats(): Promise<HistoryStats>;
  /** Distinct values for filter chips. */
  facets(): Promise<{ workspaces: string[]; directories: string[]; devices: string[]; sessions: string[] }>;
  /** Recording pause (incognito). Paused commands are never stored. */
  readonly paused: boolean;
  setPaused(paused: boolean): void;
  readonly onDidChange: Event<HistoryChange>;
}
