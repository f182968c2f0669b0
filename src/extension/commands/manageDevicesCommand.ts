import * as vscode from 'vscode';
import type { CommandDef } from './commandContext';
import { CommandId } from './commandIds';

export const DEVICES_VIEW_ID = 'caroHistory.devices';

/** Opens the Devices view in the Caro History sidebar (rename, remove, sync now live there). */
export const manageDevicesCommand: CommandDef = {
  id: CommandId.manageDevices,
  doing: 'open the devices view',
  async run() {
    await vscode.commands.executeCommand(`${DEVICES_VIEW_ID}.focus`);
  },
};
