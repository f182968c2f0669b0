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
    const total = parsed.format === 'json' ? parsed.entries.length : parsed.captured.length;
    // A cancellable notification while it runs: a 370 000-line history takes minutes.
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Importing ${total} commands`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        const onProgress = (done: number, all: number): void => {
          const pct = Math.floor((done / all) * 100);
          progress.report({ message: `${done} of ${all}`, increment: pct - shown });
          shown = pct;
        };
        try {
          return parsed.format === 'json'
            ? await history.importEntries(parsed.entries, { onProgress, signal: abort.signal })
            : await history.importCaptured(parsed.captured, { onProgress, signal: abort.signal });
        } finally {
          cancel.dispose();
        }
      },
    );
    if (result.cancelled) {
      void ctx.notifier.info(
        `Import cancelled: ${result.imported} command${result.imported === 1 ? ' was' : 's were'} imported before you stopped it and ${result.imported === 1 ? 'stays' : 'stay'} in your history. Import the same file again to add the rest (nothing is added twice).`,
      );
      return;
    }
    const skipped = result.skippedDuplicates + result.skippedInvalid;
    const invalidLines = parsed.invalidLines
      ? ` ${parsed.invalidLines} line${parsed.invalidLines === 1 ? ' was' : 's were'} not valid UTF-8 text and left out; convert the file to UTF-8 to import them.`
      : '';
    const old = result.skippedOld
      ? ` ${result.skippedOld} older command${result.skippedOld === 1 ? ' was' : 's were'} not imported because of your "Retention Days" and "Max Commands" settings; raise them and import again to keep ${result.skippedOld === 1 ? 'it' : 'them'}.`
      : '';
    void ctx.notifier.info(
      `Imported ${result.imported} command${result.imported === 1 ? '' : 's'} from the ${parsed.format} file` +
        (skipped > 0
          ? ` (skipped ${result.skippedDuplicates} already in your history, ${result.skippedInvalid} that could not be stored).`
          : '.') + invalidLines + old,
    );
  },
};
