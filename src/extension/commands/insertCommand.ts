import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { entryOrPick } from './entryArgs';

/** Puts the command on the active terminal's prompt WITHOUT running it (sendText(cmd, false)). */
export const insertCommand: CommandDef = {
  id: CommandId.insert,
  doing: 'insert the command into a terminal',
  async run(ctx, ...args) {
    const entry = await entryOrPick(ctx, args, 'Insert into Terminal');
    if (!entry) return;
    await ctx.terminals.insert(entry.command);
  },
};
