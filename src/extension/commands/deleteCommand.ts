import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { entriesFromArgs } from './entryArgs';

/** Deletes entries everywhere (a tombstone that sync carries to every device). */
export const deleteCommand: CommandDef = {
  id: CommandId.delete,
  doing: 'delete from history',
  async run(ctx, ...args) {
    let entries = await entriesFromArgs(ctx, args);
    if (entries.length === 0) {
      const picked = await ctx.search.pick({ title: 'Delete from History' });
      if (!picked) return;
      entries = [picked.entry];
    }
    if (entries.length > 1) {
      const ok = await vscode.window.showWarningMessage(
        `Delete ${entries.length} commands from your history on every synced device?`,
        { modal: true },
        'Delete',
      );
      if (ok !== 'Delete') return;
    }
    const history = await ctx.services.history();
    const deleted = await history.delete(entries.map((e) => e.id));
    vscode.window.setStatusBarMessage(`$(trash) Deleted ${deleted.length} command${deleted.length === 1 ? '' : 's'}`, 3000);
  },
};
