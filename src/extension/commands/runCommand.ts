import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { entryOrPick } from './entryArgs';

/** Runs a past command after the confirmation the safety mode asks for (warning or modal). */
export const runCommand: CommandDef = {
  id: CommandId.run,
  doing: 'run the command',
  async run(ctx, ...args) {
    const entry = await entryOrPick(ctx, args, 'Run in Terminal');
    if (!entry) return;
    await ctx.terminals.run(entry);
  },
};
