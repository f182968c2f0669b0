import type { HistoryEntry } from '../../core/model/entry';
import type { HistoryApi } from '../../core/history/historyApi';
import type { SyncApi } from '../../core/sync/syncApi';
import type { Event } from '../../core/util/emitter';
import type { Logger } from '../../core/util/logger';

/**
 * What the webviews need from the rest of the extension. The extension helper builds one of these in services.ts and
 * passes it to `registerWebviews(context, services)`. Nothing here imports `vscode`, so the same controllers run in
 * plain Node (the Chromium harness tests) and in the extension host.
 */
export interface WebviewServices {
  /** The history service; may open the store lazily on first call. */
  history(): Promise<HistoryApi>;
  /** The sync engine, or undefined while sync is not set up on this device. */
  sync(): SyncApi | undefined;
  /** Fires when the sync engine is created or dropped (set up, join, leave). Optional. */
  readonly onDidChangeSync?: Event<SyncApi | undefined>;
  /** This device, as shown in the devices view and used for "This device" labels. */
  device(): { deviceId: string; name: string; platform: string };
  /**
   * Put a command into a terminal: run=false types it without a newline; run=true runs it after the safety
   * confirmation (confirmationFor). Resolves false when the user cancelled the confirmation.
   */
  insert(entry: HistoryEntry, run: boolean): Promise<boolean | void>;
  /** Delete entries (soft delete, propagates through sync). Defaults to history.delete when absent. */
  delete?(ids: readonly string[]): Promise<readonly string[]>;
  /** Save entries in the export format (asks where). Resolves the saved location, or undefined when cancelled. */
  exportEntries(entries: HistoryEntry[]): Promise<string | undefined>;
  logger: Logger;
}

/** The bits of UI the controllers need that only the host can show (modal dialogs, commands). */
export interface HostUi {
  /** A modal confirmation; resolves true only when the user chose `confirmLabel`. */
  confirm(message: string, detail: string, confirmLabel: string): Promise<boolean>;
  /** Runs one of the extension's commands (set up / join sync). */
  executeCommand(commandId: string): Promise<void>;
}
