import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

/** Masked phrase input (per-word validation) → progress while keys are derived and history downloads. */
export const joinSyncCommand: CommandDef = {
  id: CommandId.joinSync,
  doing: 'join sync',
  async run(ctx) {
    const existing = ctx.services.syncEngine;
    const hasIdentity = (await ctx.services.vault.get('syncIdentity')) !== undefined;
    if (hasIdentity || (existing && existing.status.state !== 'uninitialised')) {
      void ctx.notifier.info(
        'This device already syncs. To join a different history, first run "Caro History: Turn Off Sync on This Device".',
      );
      return;
    }
    // Validate the phrase before anything is opened or stored.
    const phrase = await ctx.phrases.askPhrase();
    if (!phrase) return;
    const sync = await ctx.services.sync();
    const wasEnabled = ctx.config.settings.syncEnabled;
    await ctx.config.update('syncEnabled', true);
    try {
      const { downloaded } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Caro History: joining sync', cancellable: false },
        async (progress) => {
          progress.report({ message: 'Checking your phrase and downloading your history…' });
          return sync.join(phrase);
        },
      );
      void ctx.notifier.info(
        `Joined. ${downloaded} command${downloaded === 1 ? '' : 's'} from your other devices ${downloaded === 1 ? 'is' : 'are'} now in your history.`,
      );
    } catch (err) {
      // Join verifies before it persists (decision 6): nothing was stored, so restore the setting too.
      if (!wasEnabled) await ctx.config.update('syncEnabled', false);
      throw err;
    }
  },
};
