import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

/** New identity → phrase shown in its own view with copy, "I saved it" and a 3-word check (decision 5). */
export const setupSyncCommand: CommandDef = {
  id: CommandId.setupSync,
  doing: 'set up sync',
  async run(ctx) {
    const sync = await ctx.services.sync();
    if (sync.status.state !== 'uninitialised') {
      const pick = await ctx.notifier.info(
        `Sync is already set up on this device${sync.status.fingerprint ? ` (key ${sync.status.fingerprint})` : ''}. ` +
          'To add another device, run Join Sync there with your recovery phrase.',
        'Show Recovery Phrase',
      );
      if (pick) await vscode.commands.executeCommand(CommandId.showRecoveryPhrase);
      return;
    }
    const wasEnabled = ctx.config.settings.syncEnabled;
    await ctx.config.update('syncEnabled', true);
    let phrase: string;
    try {
      ({ phrase } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Caro History: setting up sync…' },
        () => sync.init(),
      ));
    } catch (err) {
      if (!wasEnabled) await ctx.config.update('syncEnabled', false);
      throw err;
    }
    const fingerprint = sync.status.fingerprint;
    const confirmed = await ctx.phrases.showNew(phrase, {
      title: 'Your Caro History Recovery Phrase',
      intro:
        'Sync is on. Write these 24 words down or save them in a password manager: you need them to add another ' +
        'device, and to get your history back if this one is lost.',
      ...(fingerprint ? { fingerprint } : {}),
    });
    if (confirmed) {
      void ctx.notifier.info(
        'Sync is set up. On your other devices, run "Caro History: Join Sync" and enter the same 24 words.',
      );
    }
  },
};
