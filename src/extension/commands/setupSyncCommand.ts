import * as vscode from 'vscode';
import { generatePhrase } from '../../core/crypto/phrase';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

/**
 * New identity (decision 5): the phrase is made on this device and shown with copy, "I saved it" and a 3-word check.
 * Only after the check passes is sync turned on and anything uploaded; closing the panel leaves sync off.
 */
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
    const phrase = generatePhrase();
    const confirmed = await ctx.phrases.showNew(phrase, {
      title: 'Your Caro History Recovery Phrase',
      intro:
        'Write these 24 words down or save them in a password manager: you need them to add another device, and to ' +
        'get your history back if this one is lost. Sync turns on after you click "I Saved It" and type 3 of the words back.',
      closedWarning:
        'Sync was not set up, and nothing left this device. Run "Caro History: Set Up Sync" again when you are ready ' +
        '(you will get a new phrase).',
    });
    if (!confirmed) return;
    const wasEnabled = ctx.config.settings.syncEnabled;
    await ctx.config.update('syncEnabled', true);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Caro History: setting up sync…' },
        () => sync.init(phrase),
      );
    } catch (err) {
      if (!wasEnabled) await ctx.config.update('syncEnabled', false);
      throw err;
    }
    const fingerprint = sync.status.fingerprint;
    void ctx.notifier.info(
      `Sync is set up${fingerprint ? ` (key ${fingerprint})` : ''}. On your other devices, run "Caro History: Join Sync" ` +
        'and enter the same 24 words.',
    );
  },
};
