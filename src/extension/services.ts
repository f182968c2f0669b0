import { randomUUID } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { KeyVault } from '../core/crypto/keyVault';
import type { HistoryChange } from '../core/history/historyApi';
import { type HistoryService, openHistory } from '../core/history/historyService';
import { StoreChangeWatcher, type WatcherTimers } from '../core/history/storeChangeWatcher';
import type { CaptureOutcome, CapturedCommand, Platform } from '../core/model/entry';
import type { SyncStatus } from '../core/sync/syncApi';
import { realTimers } from '../core/sync/backoff';
import { type SyncEngine, type SyncEngineOptions, createSyncEngine } from '../core/sync/syncEngine';
import { type Clock, systemClock } from '../core/util/clock';
import { Emitter, type Event } from '../core/util/emitter';
import type { Logger } from '../core/util/logger';
import type { ConfigService } from './config';
import { Disposable } from './lifecycle';

export const DB_FILE_NAME = 'history.db';
const DEVICE_ID_KEY = 'caroHistory.deviceId';
const RECORDING_PAUSED_KEY = 'caroHistory.recordingPaused';

export function currentPlatform(): Platform {
  switch (process.platform) {
    case 'linux':
      return 'linux';
    case 'darwin':
      return 'macos';
    case 'win32':
      return 'windows';
    default:
      return 'other';
  }
}

/** Where the store lives: CARO_HISTORY_HOME (tests, power users) or the extension's global storage folder. */
export function storageDirFor(context: vscode.ExtensionContext, env: NodeJS.ProcessEnv = process.env): string {
  const override = env['CARO_HISTORY_HOME'];
  return override && override.trim() !== '' ? override : context.globalStorageUri.fsPath;
}

export interface ServicesOptions {
  globalState: vscode.Memento;
  config: ConfigService;
  logger: Logger;
  vault: KeyVault;
  storageDir: string;
  clock?: Clock;
  /** For tests: the timers of the watcher that notices other windows' writes. */
  watchTimers?: WatcherTimers;
  /** For tests: a WebSocket constructor handed to the sync engine. */
  webSocket?: SyncEngineOptions['webSocket'];
}

/**
 * Composition root: builds the core services and hands them to the VS Code adapters. No logic beyond wiring.
 * The store is opened LAZILY (first capture, first tree expansion, first command) so activation stays cheap;
 * the sync engine is created on first use, or in the background after activation when sync was set up before.
 */
export class Services extends Disposable {
  readonly deviceId: string;
  readonly dbPath: string;
  private historyPromise: Promise<HistoryService> | undefined;
  private historyInstance: HistoryService | undefined;
  private syncPromise: Promise<SyncEngine> | undefined;
  private syncInstance: SyncEngine | undefined;
  private paused: boolean;

  private readonly historyChange = this._register(new Emitter<HistoryChange>());
  readonly onDidChangeHistory: Event<HistoryChange> = this.historyChange.event;
  private readonly syncStatusChange = this._register(new Emitter<SyncStatus>());
  readonly onDidChangeSyncStatus: Event<SyncStatus> = this.syncStatusChange.event;
  private readonly recordingChange = this._register(new Emitter<boolean>());
  readonly onDidChangeRecording: Event<boolean> = this.recordingChange.event;
  private readonly syncCreated = this._register(new Emitter<SyncEngine | undefined>());
  /** Fires when the sync engine is created (first sync use, or background start). */
  readonly onDidChangeSyncEngine: Event<SyncEngine | undefined> = this.syncCreated.event;
  private readonly storeRecovered = this._register(new Emitter<string>());
  /** Fires with the path an unreadable history file was moved to (a fresh store was started). */
  readonly onDidRecoverStore: Event<string> = this.storeRecovered.event;
  private readonly historyOpened = this._register(new Emitter<HistoryService>());
  readonly onDidOpenHistory: Event<HistoryService> = this.historyOpened.event;

  constructor(private readonly opts: ServicesOptions) {
    super();
    let id = opts.globalState.get<string>(DEVICE_ID_KEY);
    if (!id) {
      id = randomUUID();
      void opts.globalState.update(DEVICE_ID_KEY, id);
    }
    this.deviceId = id;
    this.paused = opts.globalState.get<boolean>(RECORDING_PAUSED_KEY) ?? false;
    this.dbPath = join(opts.storageDir, DB_FILE_NAME);
  }

  get config(): ConfigService {
    return this.opts.config;
  }
  get logger(): Logger {
    return this.opts.logger;
  }
  get vault(): KeyVault {
    return this.opts.vault;
  }

  /** The device name shown to other devices: the setting, else the host name. */
  get deviceName(): string {
    const name = this.opts.config.settings.deviceName.trim();
    return name !== '' ? name : hostname();
  }

  /** The history service if it is already open (never opens it). */
  get openedHistory(): HistoryService | undefined {
    return this.historyInstance;
  }

  /** The sync engine if it already exists (never creates it). */
  get syncEngine(): SyncEngine | undefined {
    return this.syncInstance;
  }

  /** Opens the encrypted store on first call; later calls share it. A failed open can be retried. */
  history(): Promise<HistoryService> {
    if (!this.historyPromise) {
      this.historyPromise = this.openHistoryNow().catch((err: unknown) => {
        this.historyPromise = undefined;
        throw err;
      });
    }
    return this.historyPromise;
  }

  private async openHistoryNow(): Promise<HistoryService> {
    const started = Date.now();
    mkdirSync(this.opts.storageDir, { recursive: true });
    const history = await openHistory({
      dbPath: this.dbPath,
      vault: this.opts.vault,
      deviceId: this.deviceId,
      settings: () => this.opts.config.settings,
      logger: this.opts.logger,
      clock: this.opts.clock ?? systemClock,
    });
    if (this._isDisposed) {
      history.close();
      throw new Error('Caro History was shut down while the store was opening.');
    }
    history.setPaused(this.paused);
    this._register(history.onDidChange((change) => this.historyChange.fire(change)));
    this._register(this.watchOtherWindows(history));
    this.historyInstance = history;
    this.opts.logger.info(`history store opened in ${Date.now() - started} ms`);
    if (history.db.movedAsideTo) this.storeRecovered.fire(history.db.movedAsideTo);
    this.historyOpened.fire(history);
    return history;
  }

  /** Other windows of this device (and the CLI) write the same file: their commits refresh this window's views. */
  private watchOtherWindows(history: HistoryService): StoreChangeWatcher {
    let warned = false;
    return new StoreChangeWatcher({
      fileSignature: () => {
        const st = statSync(this.dbPath, { throwIfNoEntry: false });
        return st ? `${st.size}:${st.mtimeMs}:${st.ctimeMs}` : undefined;
      },
      dataVersion: () => history.db.get<{ data_version: number }>('PRAGMA data_version')?.data_version ?? 0,
      onExternalChange: () => history.announceExternalChange(),
      timers: this.opts.watchTimers ?? realTimers,
      onError: (err) => {
        if (warned) return;
        warned = true;
        this.opts.logger.error('could not check the history file for changes by other windows', err);
      },
    });
  }

  /** Creates the sync engine on first call (opens the store first). It makes no network request until enabled. */
  sync(): Promise<SyncEngine> {
    if (!this.syncPromise) {
      this.syncPromise = this.createSyncNow().catch((err: unknown) => {
        this.syncPromise = undefined;
        throw err;
      });
    }
    return this.syncPromise;
  }

  private async createSyncNow(): Promise<SyncEngine> {
    const history = await this.history();
    const engine = await createSyncEngine({
      history,
      db: history.db,
      vault: this.opts.vault,
      settings: () => this.opts.config.settings,
      logger: this.opts.logger,
      clock: this.opts.clock ?? systemClock,
      deviceName: this.deviceName,
      platform: currentPlatform(),
      deviceId: this.deviceId,
      ...(this.opts.webSocket ? { webSocket: this.opts.webSocket } : {}),
    });
    if (this._isDisposed) {
      await engine.dispose();
      throw new Error('Caro History was shut down while sync was starting.');
    }
    this._register(engine.onDidChangeStatus((status) => this.syncStatusChange.fire(status)));
    this.syncInstance = engine;
    this.syncCreated.fire(engine);
    this.syncStatusChange.fire(engine.status);
    return engine;
  }

  /**
   * Background start after activation: when this device already has a sync identity, start the engine so
   * history keeps syncing without the user opening anything. Nothing happens (no store, no socket) otherwise.
   */
  async startBackground(): Promise<void> {
    const identity = await this.opts.vault.get('syncIdentity');
    if (!identity) return;
    await this.sync();
  }

  get recordingPaused(): boolean {
    return this.paused;
  }

  async setRecordingPaused(paused: boolean): Promise<void> {
    if (this.paused === paused) return;
    this.paused = paused;
    this.historyInstance?.setPaused(paused);
    await this.opts.globalState.update(RECORDING_PAUSED_KEY, paused);
    this.opts.logger.info(paused ? 'recording paused' : 'recording resumed');
    this.recordingChange.fire(paused);
  }

  /** Capture entry point. Paused or disabled capture returns without opening the store. */
  async record(command: CapturedCommand): Promise<CaptureOutcome> {
    if (this.paused) return { stored: false, reason: 'paused' };
    if (!this.opts.config.settings.captureEnabled) return { stored: false, reason: 'disabled' };
    const history = await this.history();
    return history.record(command);
  }

  async shutdown(): Promise<void> {
    const sync = this.syncInstance;
    const history = this.historyInstance;
    this.dispose();
    this.syncInstance = undefined;
    this.historyInstance = undefined;
    if (sync) {
      try {
        await sync.dispose();
      } catch (err) {
        this.opts.logger.error('sync engine did not stop cleanly', err);
      }
    }
    if (history) {
      try {
        history.close();
      } catch (err) {
        this.opts.logger.error('history store did not close cleanly', err);
      }
    }
  }
}
