import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

/** Incognito: nothing run while paused is stored (the store is not even opened). */
export const pauseRecordingCommand: CommandDef = {
  id: CommandId.pauseRecording,
  doing: 'pause recording',
  async run(ctx) {
    await ctx.services.setRecordingPaused(true);
  },
};
