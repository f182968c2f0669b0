import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { requireSync } from './syncGuard';

export const resumeSyncCommand: CommandDef = {
  id: CommandId.resumeSync,
  doing: 'resume sync',
  async run(ctx) {
    const sync = await requireSync(ctx);
    if (!sync) return;
    await sync.resume();
  },
};
