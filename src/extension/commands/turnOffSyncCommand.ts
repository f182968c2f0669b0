import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { requireSync } from './syncGuard';

/** Stops sync on this device only and forgets its keys; history stays, other devices keep syncing. */
export const turnOffSyncCommand: CommandDef = {
  id: CommandId.turnOffSync,
  doing: 'turn off sync',
  async run(ctx) {
    const sync = await requireSync(ctx);
    if (!sync) return;
    const ok = await vscode.window.showWarningMessage(
      'Turn off sync on this device?',
      {
        modal: true,
        detail:
          'This device stops syncing and forgets its sync keys. Its history stays here, and your other devices keep ' +
          'syncing. To sync again you will need your recovery phrase.',
      },
      'Turn Off Sync',
    );
    if (ok !== 'Turn Off Sync') return;
    await sync.leave();
    await ctx.config.update('syncEnabled', false);
    void ctx.notifier.info('Sync is off on this device. Your history is still here.');
  },
};
