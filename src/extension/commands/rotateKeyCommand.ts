import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { requireSync } from './syncGuard';

/** Decision 15: new phrase → history re-uploaded under it → old one wiped; other devices must join again. */
export const rotateKeyCommand: CommandDef = {
  id: CommandId.rotateKey,
  doing: 'rotate the recovery phrase',
  async run(ctx) {
    const sync = await requireSync(ctx);
    if (!sync) return;
    const ok = await vscode.window.showWarningMessage(
      'Replace your recovery phrase with a new one?',
      {
        modal: true,
        detail:
          'Your history is uploaded again under a new phrase and the old synced copy is wiped. The old phrase stops ' +
          'working, and every other device stops syncing until you join it again with the new phrase. Local history ' +
          'on each device is kept.',
      },
      'Rotate Phrase',
    );
    if (ok !== 'Rotate Phrase') return;
    const { phrase } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Caro History: moving your history to a new phrase…' },
      () => sync.rotateKey(),
    );
    const fingerprint = sync.status.fingerprint;
    await ctx.phrases.showNew(phrase, {
      title: 'Your New Recovery Phrase',
      intro: 'Your old phrase no longer works. Save these 24 words, then run Join Sync with them on your other devices.',
      closedWarning:
        "You closed the recovery phrase before confirming you saved it. Run 'Caro History: Show Recovery Phrase' to see it again.",
      ...(fingerprint ? { fingerprint } : {}),
    });
  },
};
