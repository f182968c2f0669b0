import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

export const openHistoryPanelCommand: CommandDef = {
  id: CommandId.openHistoryPanel,
  doing: 'open the history panel',
  run(ctx) {
    return ctx.openHistoryPanel();
  },
};
