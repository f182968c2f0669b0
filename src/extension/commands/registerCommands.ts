import * as vscode from 'vscode';
import type { Notifier } from '../notifier';
import { clearFilterCommand } from './clearFilterCommand';
import { clearHistoryCommand } from './clearHistoryCommand';
import type { CommandContext, CommandDef } from './commandContext';
import { COMMANDS, type CommandId } from './commandIds';
import { copyCommand } from './copyCommand';
import { deleteCommand } from './deleteCommand';
import { exportCommand } from './exportCommand';
import { filterDirectoryCommand } from './filterDirectoryCommand';
import { filterWorkspaceCommand } from './filterWorkspaceCommand';
import { groupByCommand } from './groupByCommand';
import { importCommand } from './importCommand';
import { insertCommand } from './insertCommand';
import { joinSyncCommand } from './joinSyncCommand';
import { loadMoreCommand } from './loadMoreCommand';
import { manageDevicesCommand } from './manageDevicesCommand';
import { openHistoryPanelCommand } from './openHistoryPanelCommand';
import { pauseRecordingCommand } from './pauseRecordingCommand';
import { pauseSyncCommand } from './pauseSyncCommand';
import { refreshCommand } from './refreshCommand';
import { removeDeviceCommand } from './removeDeviceCommand';
import { renameDeviceCommand } from './renameDeviceCommand';
import { resetSyncCommand } from './resetSyncCommand';
import { resumeRecordingCommand } from './resumeRecordingCommand';
import { resumeSyncCommand } from './resumeSyncCommand';
import { rotateKeyCommand } from './rotateKeyCommand';
import { runCommand } from './runCommand';
import { searchCommand } from './searchCommand';
import { searchFromTerminalCommand } from './searchFromTerminalCommand';
import { setupSyncCommand } from './setupSyncCommand';
import { showDetailsCommand } from './showDetailsCommand';
import { showLogCommand } from './showLogCommand';
import { showRecoveryPhraseCommand } from './showRecoveryPhraseCommand';
import { syncNowCommand } from './syncNowCommand';
import { syncStatusCommand } from './syncStatusCommand';
import { turnOffSyncCommand } from './turnOffSyncCommand';

/** Every handler, one per command id. */
export const COMMAND_HANDLERS: readonly CommandDef[] = [
  searchCommand,
  searchFromTerminalCommand,
  insertCommand,
  runCommand,
  copyCommand,
  deleteCommand,
  showDetailsCommand,
  filterDirectoryCommand,
  filterWorkspaceCommand,
  clearFilterCommand,
  groupByCommand,
  refreshCommand,
  loadMoreCommand,
  clearHistoryCommand,
  pauseRecordingCommand,
  resumeRecordingCommand,
  setupSyncCommand,
  joinSyncCommand,
  showRecoveryPhraseCommand,
  syncNowCommand,
  syncStatusCommand,
  pauseSyncCommand,
  resumeSyncCommand,
  manageDevicesCommand,
  renameDeviceCommand,
  removeDeviceCommand,
  rotateKeyCommand,
  resetSyncCommand,
  turnOffSyncCommand,
  exportCommand,
  importCommand,
  showLogCommand,
  openHistoryPanelCommand,
];

/**
 * Registers every command with one error wrapper: a failure is logged and shown with what to do (never silent).
 * Handlers resolve their result so callers (tests, webviews) can await them; errors are shown, not rethrown.
 */
export function registerCommands(ctx: CommandContext, notifier: Notifier): vscode.Disposable[] {
  const byId = new Map<CommandId, CommandDef>(COMMAND_HANDLERS.map((h) => [h.id, h]));
  const missing = COMMANDS.filter((c) => !byId.has(c.id)).map((c) => c.id);
  if (missing.length > 0) throw new Error(`No handler for commands: ${missing.join(', ')}`);
  return COMMAND_HANDLERS.map((handler) =>
    vscode.commands.registerCommand(handler.id, async (...args: unknown[]) => {
      try {
        return await handler.run(ctx, ...args);
      } catch (err) {
        notifier.error(err, handler.doing);
        return undefined;
      }
    }),
  );
}
