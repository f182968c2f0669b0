import * as vscode from 'vscode';
import type { DeviceInfo } from '../../core/model/entry';
import { CaroError } from '../../core/model/errors';
import { REMOVE_AND_ROTATE_LABEL, REMOVE_DEVICE_DETAIL, REMOVE_LABEL } from '../sync/removeDeviceText';
import { relativeTime } from '../views/historyFormat';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { requireSync } from './syncGuard';

/** The modal confirmation; the untrusted device name appears only in the modal's plain-text title. */
async function confirmRemoveDevice(deviceName: string): Promise<'remove' | 'removeAndRotate' | undefined> {
  const pick = await vscode.window.showWarningMessage(
    `Remove "${deviceName}" from sync?`,
    { modal: true, detail: REMOVE_DEVICE_DETAIL },
    REMOVE_LABEL,
    REMOVE_AND_ROTATE_LABEL,
  );
  if (pick === REMOVE_LABEL) return 'remove';
  if (pick === REMOVE_AND_ROTATE_LABEL) return 'removeAndRotate';
  return undefined;
}

/**
 * Removes another device from the synced device list (its history entries stay). The modal says that this is not a
 * lock-out and offers to rotate the recovery phrase, which is.
 */
export const removeDeviceCommand: CommandDef = {
  id: CommandId.removeDevice,
  doing: 'remove the device',
  async run(ctx, ...args) {
    const sync = await requireSync(ctx);
    if (!sync) return;
    const devices = (await sync.devices()).filter((d) => !d.isCurrent);
    let device: DeviceInfo | undefined;
    if (typeof args[0] === 'string') {
      device = devices.find((d) => d.deviceId === args[0]);
      if (!device) {
        throw new CaroError('invalidInput', 'That device is not in your device list any more.', 'Open the Devices view to see the current list.');
      }
    } else {
      if (devices.length === 0) {
        void ctx.notifier.info('No other devices share this history. To stop syncing here, use "Turn Off Sync on This Device".');
        return;
      }
      const now = Date.now();
      const pick = await vscode.window.showQuickPick(
        devices.map((d) => ({ label: d.name, description: `${d.platform} · last seen ${relativeTime(d.lastSeen, now)}`, device: d })),
        { placeHolder: 'Which device should stop syncing?' },
      );
      device = pick?.device;
    }
    if (!device) return;
    const choice = await confirmRemoveDevice(device.name);
    if (!choice) return;
    await sync.removeDevice(device.deviceId);
    if (choice === 'removeAndRotate') {
      await vscode.commands.executeCommand(CommandId.rotateKey);
      return;
    }
    // No device name here: a notification renders Markdown links, and names come from other devices.
    void ctx.notifier.info(
      'Removed the device from your device list. It can still join again with your recovery phrase until you run ' +
        '"Caro History: Rotate Recovery Phrase".',
    );
  },
};
