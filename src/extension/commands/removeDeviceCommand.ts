import * as vscode from 'vscode';
import type { DeviceInfo } from '../../core/model/entry';
import { relativeTime } from '../views/historyFormat';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';
import { requireSync } from './syncGuard';

/** Removes another device from the synced device list (its history entries stay). */
export const removeDeviceCommand: CommandDef = {
  id: CommandId.removeDevice,
  doing: 'remove the device',
  async run(ctx, ...args) {
    const sync = await requireSync(ctx);
    if (!sync) return;
    const devices = (await sync.devices()).filter((d) => !d.isCurrent);
    let device: DeviceInfo | undefined = devices.find((d) => d.deviceId === args[0]);
    if (!device) {
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
    const ok = await vscode.window.showWarningMessage(
      `Remove "${device.name}" from sync?`,
      {
        modal: true,
        detail:
          'It disappears from your device list. Commands it already synced stay in your history. ' +
          'If that device is still yours and online it can join again with your recovery phrase; if it was lost, ' +
          'also rotate your recovery phrase so it can no longer read new history.',
      },
      'Remove Device',
    );
    if (ok !== 'Remove Device') return;
    await sync.removeDevice(device.deviceId);
    void ctx.notifier.info(`Removed "${device.name}" from sync.`);
  },
};
