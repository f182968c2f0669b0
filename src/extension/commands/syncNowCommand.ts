import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { requireSync } from './syncGuard';

export const syncNowCommand: CommandDef = {
  id: CommandId.syncNow,
  doing: 'sync',
  async run(ctx) {
    const sync = await requireSync(ctx);
    if (!sync) return;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Caro History: syncing' },
      () => sync.syncNow(),
    );
  },
};
