import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

/** Ctrl+R (Cmd+R on macOS) in a focused terminal: pick from history, insert into that terminal without running. */
export const searchFromTerminalCommand: CommandDef = {
  id: CommandId.searchFromTerminal,
  doing: 'search your history',
  async run(ctx) {
    const picked = await ctx.search.pick({ title: 'Search Caro History: insert into terminal' });
    if (!picked) return;
    if (picked.action === 'run') await ctx.terminals.run(picked.entry);
    else await ctx.terminals.insert(picked.entry.command);
  },
};
