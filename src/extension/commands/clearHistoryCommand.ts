import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

export const clearHistoryCommand: CommandDef = {
  id: CommandId.clearHistory,
  doing: 'clear your history',
  async run(ctx) {
    const synced = ctx.services.syncEngine !== undefined && ctx.services.syncEngine.status.state !== 'uninitialised';
    const ok = await vscode.window.showWarningMessage(
      'Clear your whole command history?',
      {
        modal: true,
        detail: synced
          ? 'Every saved command is deleted on this device and, through sync, on all your other devices. This cannot be undone. Export your history first if you may need it.'
          : 'Every saved command is deleted from this device. This cannot be undone. Export your history first if you may need it.',
      },
      'Clear History',
    );
    if (ok !== 'Clear History') return;
    const history = await ctx.services.history();
    const n = await history.clear();
    void ctx.notifier.info(`Cleared ${n} command${n === 1 ? '' : 's'} from Caro History.`);
  },
};
