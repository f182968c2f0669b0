import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { saveExport } from './transferFiles';

/** Writes the whole history (decrypted, redacted form) to a JSON file the user picks. */
export const exportCommand: CommandDef = {
  id: CommandId.exportHistory,
  doing: 'export your history',
  async run(ctx) {
    const history = await ctx.services.history();
    const entries = await history.exportAll();
    const path = await saveExport(ctx.services, entries);
    if (!path) return;
    void ctx.notifier.info(`Exported ${entries.length} command${entries.length === 1 ? '' : 's'} to ${path}. The file is not encrypted: keep it private.`);
  },
};
