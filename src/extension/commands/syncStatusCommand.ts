import * as vscode from 'vscode';
import { statusBarView } from '../views/syncStatusBar';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

interface ActionItem extends vscode.QuickPickItem {
  command?: string;
}

/** Status bar click: what sync is doing and the actions that make sense in this state. */
export const syncStatusCommand: CommandDef = {
  id: CommandId.syncStatus,
  doing: 'show the sync status',
  async run(ctx) {
    // Sync status needs the engine, but only create it (and open the store) when this device has sync set up.
    const hasIdentity = (await ctx.services.vault.get('syncIdentity')) !== undefined;
    const sync = ctx.services.syncEngine ?? (hasIdentity ? await ctx.services.sync() : undefined);
    const status = sync?.status;
    const view = statusBarView(status, ctx.services.recordingPaused, Date.now());
    const items: ActionItem[] = [];
    items.push({ label: 'Status', kind: vscode.QuickPickItemKind.Separator });
    for (const line of view.tooltip.split('\n').slice(0, -1)) items.push({ label: line });
    items.push({ label: 'Actions', kind: vscode.QuickPickItemKind.Separator });
    const add = (label: string, command: string): void => {
      items.push({ label, command });
    };
    if (ctx.services.recordingPaused) add('$(record) Resume Recording', CommandId.resumeRecording);
    else add('$(debug-pause) Pause Recording', CommandId.pauseRecording);
    const state = status?.state ?? 'uninitialised';
    if (state === 'uninitialised') {
      add('$(cloud-upload) Set Up Sync (New Recovery Phrase)', CommandId.setupSync);
      add('$(cloud-download) Join Sync (Existing Recovery Phrase)', CommandId.joinSync);
    } else {
      add('$(sync) Sync Now', CommandId.syncNow);
      if (state === 'paused') add('$(debug-continue) Resume Sync', CommandId.resumeSync);
      else add('$(debug-pause) Pause Sync', CommandId.pauseSync);
      add('$(device-desktop) Manage Devices', CommandId.manageDevices);
      add('$(key) Show Recovery Phrase…', CommandId.showRecoveryPhrase);
    }
    add('$(output) Show Log', CommandId.showLog);
    const pick = await vscode.window.showQuickPick(items, { title: 'Caro History', placeHolder: view.text.replace(/\$\([^)]*\)\s*/g, '') });
    if (pick?.command) await vscode.commands.executeCommand(pick.command);
  },
};
