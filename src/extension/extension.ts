import * as vscode from 'vscode';
import { COMMANDS, CommandId } from './commands/commandIds';
import type { CommandContext } from './commands/commandContext';
import { registerCommands } from './commands/registerCommands';
import { DETAILS_SCHEME, DetailsDocumentProvider } from './commands/showDetailsCommand';
import { saveExport } from './commands/transferFiles';
import { ConfigService } from './config';
import { OutputChannelLogger } from './logging';
import { Notifier } from './notifier';
import { SecretStorageVault } from './secretVault';
import { Services, currentPlatform, storageDirFor } from './services';
import { PhraseFlow } from './sync/phraseFlow';
import { ShellCapture } from './terminal/shellCapture';
import { TerminalInsert } from './terminal/terminalInsert';
import { TestHooks } from './testHooks';
import { HISTORY_VIEW_ID, HistoryTreeProvider, type HistoryNode } from './views/historyTree';
import { SearchQuickPick } from './views/searchQuickPick';
import { SyncStatusBar } from './views/syncStatusBar';
import { registerWebviews } from './webviews/registerWebviews';

/** Handles for the extension's own tests; returned from activate() only in ExtensionMode.Test. */
export interface TestingApi {
  services: Services;
  tree: HistoryTreeProvider;
  treeView: vscode.TreeView<HistoryNode>;
  statusBar: SyncStatusBar;
  capture: ShellCapture;
  terminals: TerminalInsert;
  hooks: TestHooks | undefined;
  activateMs: number;
}

/** 'off' when sync is not set up (no engine yet, or an engine without identity), else the engine's state. */
function syncStateForHooks(state: string | undefined): string {
  return state === undefined || state === 'uninitialised' ? 'off' : state;
}

let active: { services: Services; hooks: TestHooks | undefined } | undefined;

/**
 * Composition only: build the adapters, register everything in context.subscriptions, return.
 * Nothing is opened or decrypted here: the store opens on first use, sync starts in the background afterwards.
 */
export async function activate(context: vscode.ExtensionContext): Promise<TestingApi | undefined> {
  const started = performance.now();
  const hooks = TestHooks.fromEnv();
  const channel = vscode.window.createOutputChannel('Caro History', { log: true });
  context.subscriptions.push(channel);
  const logger = new OutputChannelLogger(channel);
  const notifier = new Notifier(logger, hooks, CommandId.showLog);
  const config = new ConfigService(logger);
  const vault = new SecretStorageVault(context.secrets);
  const services = new Services({
    globalState: context.globalState,
    config,
    logger,
    vault,
    storageDir: storageDirFor(context),
  });
  context.subscriptions.push(config, services);
  context.subscriptions.push(
    services.onDidRecoverStore((movedTo) => {
      void notifier.warn(
        `Caro History could not read its history file, so it started a new, empty history. The old file was kept ` +
          `as ${movedTo}: keep it if you want to try to recover it, or delete it.`,
      );
    }),
  );

  const tree = new HistoryTreeProvider(services, notifier, context.globalState, (top) =>
    hooks?.update({ treeTopItems: top, historyOpen: true }),
  );
  const treeView = vscode.window.createTreeView(HISTORY_VIEW_ID, {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const statusBar = new SyncStatusBar(services, (view) =>
    hooks?.update({
      statusBarText: view.text,
      statusBarState: view.state,
      syncState: syncStateForHooks(services.syncEngine?.status.state),
      recordingPaused: services.recordingPaused,
    }),
  );
  const terminals = new TerminalInsert(config, notifier, logger);
  const capture = new ShellCapture(services, notifier, logger, {
    globalState: context.globalState,
    onCaptured: (_cmd, outcome, facts) => {
      if (!hooks) return;
      const s = hooks.current;
      hooks.update({
        capturedCount: s.capturedCount + 1,
        storedCount: s.storedCount + (outcome?.stored ? 1 : 0),
        lastCaptured: outcome?.stored
          ? { command: outcome.entry.command, stored: true, ...(outcome.entry.exitCode !== undefined ? { exitCode: outcome.entry.exitCode } : {}) }
          : { command: '', stored: false, reason: outcome?.reason ?? 'error' },
        lastExecution: facts,
      });
    },
  });
  context.subscriptions.push(tree, treeView, statusBar, capture);

  const webviews = registerWebviews(context, {
    history: () => services.history(),
    sync: () => services.syncEngine,
    onDidChangeSync: services.onDidChangeSyncEngine,
    device: () => ({
      deviceId: services.syncEngine?.status.deviceId ?? services.deviceId,
      name: services.deviceName,
      platform: currentPlatform(),
    }),
    insert: async (entry, run) =>
      run ? terminals.run(entry) : (await terminals.insert(entry.command)) !== undefined,
    delete: async (ids) => (await services.history()).delete(ids),
    exportEntries: (entries) => saveExport(services, entries),
    logger,
  });

  const ctx: CommandContext = {
    services,
    config,
    notifier,
    logger,
    tree,
    treeView,
    terminals,
    search: new SearchQuickPick(services),
    phrases: new PhraseFlow(notifier, logger),
    openHistoryPanel: () => webviews.showHistoryPanel(),
  };
  context.subscriptions.push(...registerCommands(ctx, notifier));
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, new DetailsDocumentProvider(services)),
  );

  // Sync problems that stop sync are told once per distinct message (offline is shown in the status bar only).
  let lastSyncProblem = '';
  context.subscriptions.push(
    services.onDidChangeSyncStatus((status) => {
      const stopped = status.state === 'error' || (status.state === 'uninitialised' && status.lastError !== undefined);
      if (!stopped || !status.lastError) return;
      const text = `${status.lastError.message}${status.lastError.action ? ` ${status.lastError.action}` : ''}`;
      if (text === lastSyncProblem) return;
      lastSyncProblem = text;
      void notifier.warn(`Caro History sync: ${text}`, 'Sync Status').then((pick) => {
        if (pick) void vscode.commands.executeCommand(CommandId.syncStatus);
      });
    }),
  );

  context.subscriptions.push(
    config.onDidChange(({ changed }) => {
      if (changed.some((k) => k === 'retentionDays' || k === 'maxCommands')) {
        void services.openedHistory?.applyRetention().catch((err: unknown) => notifier.error(err, 'apply the new retention setting'));
      }
      const sync = services.syncEngine;
      if (sync) {
        void sync.settingsChanged().catch((err: unknown) => notifier.error(err, 'apply the new sync settings'));
      } else if (changed.includes('syncEnabled') && config.settings.syncEnabled) {
        void services.startBackground().catch((err: unknown) => notifier.error(err, 'start sync'));
      }
      tree.refresh();
      statusBar.render();
    }),
  );

  // Synced preferences from other devices land in this device's settings; sync warnings are shown, not swallowed.
  context.subscriptions.push(
    services.onDidChangeSyncEngine((engine) => {
      if (!engine) return;
      context.subscriptions.push(
        engine.onDidChangePreferences((prefs) => {
          void (async () => {
            for (const [key, value] of Object.entries(prefs) as [keyof typeof prefs, unknown][]) {
              if (value !== undefined) await config.update(key, value as never);
            }
            logger.info(`applied synced preferences: ${Object.keys(prefs).join(', ')}`);
          })().catch((err: unknown) => notifier.error(err, 'apply preferences synced from another device'));
        }),
        engine.onWarning((message) => void notifier.warn(`Caro History sync: ${message}`)),
      );
    }),
  );

  // Background start (after activate resolved): only when this device already has a sync identity.
  const timer = setTimeout(() => {
    void services.startBackground().catch((err: unknown) => notifier.error(err, 'start sync'));
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });

  active = { services, hooks };
  const activateMs = performance.now() - started;
  logger.info(`activated in ${activateMs.toFixed(1)} ms (${COMMANDS.length} commands; store not opened yet)`);
  if (hooks) {
    hooks.update({ activated: true, activateMs });
    hooks.flush();
    context.subscriptions.push(hooks, services.onDidOpenHistory(() => hooks.update({ historyOpen: true })));
  }
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return { services, tree, treeView, statusBar, capture, terminals, hooks, activateMs };
}

export async function deactivate(): Promise<void> {
  const current = active;
  active = undefined;
  if (!current) return;
  current.hooks?.flush();
  await current.services.shutdown();
}
