import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

export const showLogCommand: CommandDef = {
  id: CommandId.showLog,
  doing: 'show the log',
  run(ctx) {
    ctx.logger.show();
  },
};
