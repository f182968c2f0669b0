import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

/** Shows the phrase again, only after a modal confirmation (decision 5). */
export const showRecoveryPhraseCommand: CommandDef = {
  id: CommandId.showRecoveryPhrase,
  doing: 'show the recovery phrase',
  async run(ctx) {
    const phrase = await ctx.services.vault.get('recoveryPhrase');
    if (!phrase) {
      void ctx.notifier.info(
        "This device has no recovery phrase: sync isn't set up here. Run \"Caro History: Set Up Sync\" or \"Join Sync\".",
      );
      return;
    }
    const ok = await vscode.window.showWarningMessage(
      'Show your recovery phrase?',
      {
        modal: true,
        detail: 'Anyone who sees these 24 words can read your synced history. Make sure nobody is watching your screen.',
      },
      'Show Phrase',
    );
    if (ok !== 'Show Phrase') return;
    ctx.phrases.showExisting(phrase, ctx.services.syncEngine?.status.fingerprint);
  },
};
