import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { parseImportFile } from './transferFiles';

/** Imports a Caro export (JSON) or a bash/zsh/fish history file; a bad file imports nothing and says why. */
export const importCommand: CommandDef = {
  id: CommandId.importHistory,
  doing: 'import history',
  async run(ctx, ...args) {
    let path = typeof args[0] === 'string' ? args[0] : undefined;
    if (!path) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Import into Caro History',
        canSelectMany: false,
        openLabel: 'Import',
        filters: { 'Caro export or shell history': ['json', 'txt', 'history', '*'] },
      });
      path = picked?.[0]?.fsPath;
    }
    if (!path) return;
    const parsed = await parseImportFile(path);
    const history = await ctx.services.history();
    if (parsed.format !== 'json' && parsed.captured.length === 0) {
      void ctx.notifier.info(`The ${parsed.format} history file contains no commands; nothing was imported.`);
      return;
    }
    const result = parsed.format === 'json'
      ? await history.importEntries(parsed.entries)
      : await history.importCaptured(parsed.captured);
    const skipped = result.skippedDuplicates + result.skippedInvalid;
    const invalidLines = parsed.invalidLines
      ? ` ${parsed.invalidLines} line${parsed.invalidLines === 1 ? ' was' : 's were'} not valid UTF-8 text and left out; convert the file to UTF-8 to import them.`
      : '';
    void ctx.notifier.info(
      `Imported ${result.imported} command${result.imported === 1 ? '' : 's'} from the ${parsed.format} file` +
        (skipped > 0
          ? ` (skipped ${result.skippedDuplicates} already in your history, ${result.skippedInvalid} that could not be stored).`
          : '.') + invalidLines,
    );
  },
};
