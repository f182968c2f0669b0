import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

export const clearFilterCommand: CommandDef = {
  id: CommandId.clearFilter,
  doing: 'clear the filter',
  run(ctx) {
    ctx.tree.setFilter({});
    ctx.treeView.description = undefined;
  },
};
