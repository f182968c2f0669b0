import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

export const resumeRecordingCommand: CommandDef = {
  id: CommandId.resumeRecording,
  doing: 'resume recording',
  async run(ctx) {
    await ctx.services.setRecordingPaused(false);
  },
};
