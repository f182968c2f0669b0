import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

/** Search History quick pick; Enter inserts into the terminal, item buttons run or copy. */
export const searchCommand: CommandDef = {
  id: CommandId.search,
  doing: 'search your history',
  async run(ctx, ...args) {
    const initialQuery = typeof args[0] === 'string' ? args[0] : undefined;
    const picked = await ctx.search.pick(initialQuery !== undefined ? { initialQuery } : {});
    if (!picked) return;
    switch (picked.action) {
      case 'insert':
        await ctx.terminals.insert(picked.entry.command);
        return;
      case 'run':
        await ctx.terminals.run(picked.entry);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(picked.entry.command);
        return;
    }
  },
};
