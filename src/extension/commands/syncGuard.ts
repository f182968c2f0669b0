import * as vscode from 'vscode';
import type { SyncEngine } from '../../core/sync/syncEngine';
import type { CommandContext } from './commandContext';
import { CommandId } from './commandIds';

/** The sync engine when this device has sync set up; otherwise tells the user how to set it up and returns undefined. */
export async function requireSync(ctx: CommandContext): Promise<SyncEngine | undefined> {
  const sync = await ctx.services.sync();
  if (sync.status.state !== 'uninitialised') return sync;
  const pick = await ctx.notifier.info(
    "Sync isn't set up on this device yet. Set it up to get a recovery phrase, or join with the phrase from another device.",
    'Set Up Sync',
    'Join Sync',
  );
  if (pick === 'Set Up Sync') await vscode.commands.executeCommand(CommandId.setupSync);
  else if (pick === 'Join Sync') await vscode.commands.executeCommand(CommandId.joinSync);
  return undefined;
}
