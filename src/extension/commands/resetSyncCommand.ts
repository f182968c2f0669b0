import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { requireSync } from './syncGuard';

const RESET = 'Reset Sync';
const RESET_AND_CLEAR = 'Reset Sync and Clear Local History';

/** Decision 11: wipe the synced copy everywhere, then the local identity; local history kept unless asked. */
export const resetSyncCommand: CommandDef = {
  id: CommandId.resetSync,
  doing: 'reset sync',
  async run(ctx) {
    const sync = await requireSync(ctx);
    if (!sync) return;
    const pick = await vscode.window.showWarningMessage(
      'Reset sync on every device?',
      {
        modal: true,
        detail:
          'The synced copy of your history is deleted from the server, every device stops syncing, and your recovery ' +
          'phrase stops working. History already on each device stays there unless you also clear it here. ' +
          'This cannot be undone.',
      },
      RESET,
      RESET_AND_CLEAR,
    );
    if (pick !== RESET && pick !== RESET_AND_CLEAR) return;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Caro History: resetting sync…' },
      () => sync.resetEverywhere(),
    );
    await ctx.config.update('syncEnabled', false);
    if (pick === RESET_AND_CLEAR) {
      const history = await ctx.services.history();
      await history.clear();
    }
    void ctx.notifier.info(
      pick === RESET_AND_CLEAR
        ? 'Sync was reset everywhere and this device\'s history was cleared.'
        : 'Sync was reset everywhere. Your local history is still here.',
    );
  },
};
