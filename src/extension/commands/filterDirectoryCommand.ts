import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { entriesFromArgs } from './entryArgs';

/** Narrows the tree to the clicked entry's directory. */
export const filterDirectoryCommand: CommandDef = {
  id: CommandId.filterDirectory,
  doing: 'filter the history',
  async run(ctx, ...args) {
    const [entry] = await entriesFromArgs(ctx, args);
    if (!entry?.workingDir) return;
    ctx.tree.setFilter({ ...ctx.tree.currentFilter, directory: entry.workingDir });
    ctx.treeView.description = ctx.tree.describeFilter();
  },
};
