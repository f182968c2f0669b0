import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { requireSync } from './syncGuard';

export const pauseSyncCommand: CommandDef = {
  id: CommandId.pauseSync,
  doing: 'pause sync',
  async run(ctx) {
    const sync = await requireSync(ctx);
    if (!sync) return;
    await sync.pause();
  },
};
