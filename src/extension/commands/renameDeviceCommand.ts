import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

/** Renames this device (the setting, and in the synced device list when sync is on). */
export const renameDeviceCommand: CommandDef = {
  id: CommandId.renameDevice,
  doing: 'rename this device',
  async run(ctx, ...args) {
    let name = typeof args[0] === 'string' ? args[0] : undefined;
    if (name === undefined) {
      name = await vscode.window.showInputBox({
        title: 'Rename This Device',
        prompt: 'The name your other devices show for this one.',
        value: ctx.services.deviceName,
        // The palette closing hands focus back to where it was (e.g. the history panel's webview); that webview
        // reports its focus a moment later, after this box opened. Without this, that late focus closed the box
        // (a cancelled rename; the e2e "5d" flake).
        ignoreFocusOut: true,
        validateInput: (v) =>
          v.trim() === '' ? 'Enter a name, e.g. "Work laptop".' : v.trim().length > 60 ? 'Use at most 60 characters.' : undefined,
      });
    }
    if (name === undefined) return;
    name = name.trim();
    if (name === '' || name.length > 60) {
      void ctx.notifier.warn('A device name needs 1 to 60 characters. Nothing was changed.');
      return;
    }
    const sync = ctx.services.syncEngine ?? (await ctx.services.vault.get('syncIdentity') ? await ctx.services.sync() : undefined);
    const deviceId = sync?.status.deviceId;
    if (sync && sync.status.state !== 'uninitialised' && deviceId) await sync.renameDevice(deviceId, name);
    try {
      await ctx.config.update('deviceName', name);
    } catch (err) {
      // deviceName is machine-scoped; some hosts refuse writing it from an extension. Sync already has the name.
      ctx.logger.warn(`could not save the device name setting (${err instanceof Error ? err.message : String(err)})`);
      void ctx.notifier.warn(
        sync
          ? 'The new name is used for sync, but it could not be saved in your settings. Set "caroHistory.deviceName" in Settings to keep it.'
          : 'The device name could not be saved. Set "caroHistory.deviceName" in Settings (Machine) instead.',
      );
      return;
    }
    vscode.window.setStatusBarMessage(`$(device-desktop) This device is now "${name}"`, 3000);
  },
};
