import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

export const refreshCommand: CommandDef = {
  id: CommandId.refresh,
  doing: 'refresh the history',
  run(ctx) {
    ctx.tree.refresh();
  },
};
