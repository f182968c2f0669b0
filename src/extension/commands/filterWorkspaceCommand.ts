import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { entriesFromArgs } from './entryArgs';

/** Narrows the tree to the clicked entry's workspace. */
export const filterWorkspaceCommand: CommandDef = {
  id: CommandId.filterWorkspace,
  doing: 'filter the history',
  async run(ctx, ...args) {
    const [entry] = await entriesFromArgs(ctx, args);
    if (!entry?.workspace) return;
    ctx.tree.setFilter({ ...ctx.tree.currentFilter, workspace: entry.workspace });
    ctx.treeView.description = ctx.tree.describeFilter();
  },
};
